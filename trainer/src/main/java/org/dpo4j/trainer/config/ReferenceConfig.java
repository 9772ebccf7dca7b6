package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * The reference model of the losses that need one.
 *
 * @param path       a Hugging Face model folder; null = a frozen copy of the initial policy (the
 *                   same folder, or the same preset and seed). Its tokenizer must have the
 *                   policy's vocabulary.
 * @param precompute compute the reference's sequence log-probs of every training and held-out
 *                   pair once, before training, and cache them on disk; training then runs no
 *                   reference forward (losses that need the reference's per-token distribution,
 *                   TDPO's, keep the live reference)
 * @param syncEvery  TR-DPO: every this many optimizer steps the reference becomes
 *                   {@code syncAlpha·policy + (1 − syncAlpha)·reference}; 0 = never (a frozen
 *                   reference)
 * @param syncAlpha  TR-DPO's α in (0, 1]; 1 copies the policy (a hard update)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReferenceConfig(String path, Boolean precompute, Integer syncEvery, Double syncAlpha) {

    @JsonCreator
    public ReferenceConfig {
        if (path != null && path.isBlank()) {
            throw new ConfigValueException("path", "must be a model folder or null, got an empty string");
        }
        Check.required("precompute", precompute);
        Check.atLeast("sync_every", syncEvery, 0);
        Check.required("sync_alpha", syncAlpha);
        if (!(syncAlpha > 0 && syncAlpha <= 1)) {
            throw new ConfigValueException("sync_alpha", "must be in (0, 1], got " + syncAlpha);
        }
        if (precompute && syncEvery > 0) {
            // a synced reference changes during training, so its log-probs cannot be computed up front
            throw new ConfigValueException("sync_every", syncEvery + " updates the reference during training,"
                    + " so reference.precompute: true cannot cache it; set sync_every: 0 or precompute: false");
        }
    }

    /** A frozen reference at {@code path} (or the initial policy), computed live: the defaults. */
    public ReferenceConfig(String path) {
        this(path, false, 0, 0.6);
    }

    /** Whether the reference is updated during training (TR-DPO). */
    public boolean syncs() {
        return syncEvery > 0;
    }
}
