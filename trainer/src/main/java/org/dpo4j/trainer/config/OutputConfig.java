package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.dpo4j.trainer.checkpoint.ByteSize;
import org.dpo4j.trainer.checkpoint.SaveDtype;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * Where the run writes, and how it saves models.
 *
 * @param dir          the run directory; null means {@code runs/<timestamp>} under the working
 *                     directory
 * @param saveDtype    dtype of saved weights: {@code f32}, {@code bf16} or {@code f16}
 * @param maxShardSize largest safetensors file of a saved model, in Hugging Face's syntax
 *                     ({@code 2GB}, {@code 500MB}, {@code 1GiB} or a number of bytes); bigger
 *                     models are sharded with an index
 * @param mergeLora    with {@code lora}: also write {@code final-merged/}, a full model with
 *                     W + s·B·A; default false
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OutputConfig(String dir, String saveDtype, String maxShardSize, Boolean mergeLora) {

    @com.fasterxml.jackson.annotation.JsonCreator
    public OutputConfig {
        mergeLora = mergeLora != null && mergeLora;
        if (dir != null && dir.isBlank()) {
            // "" would resolve to the working directory itself
            throw new ConfigValueException("dir", "must not be empty; name a directory, or leave output.dir unset"
                    + " for runs/<date-time>");
        }
        Check.required("save_dtype", saveDtype);
        SaveDtype.parse(saveDtype, "save_dtype");
        Check.required("max_shard_size", maxShardSize);
        ByteSize.parse(maxShardSize, "max_shard_size");
    }

    /** No merged copy of LoRA adapters. */
    public OutputConfig(String dir, String saveDtype, String maxShardSize) {
        this(dir, saveDtype, maxShardSize, false);
    }
}
