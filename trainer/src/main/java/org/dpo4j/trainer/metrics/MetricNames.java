package org.dpo4j.trainer.metrics;

/** Metric names, as Hugging Face TRL logs them (DESIGN.md §4). */
public final class MetricNames {

    public static final String LOSS = "loss";
    public static final String GRAD_NORM = "grad_norm";
    public static final String LEARNING_RATE = "learning_rate";
    public static final String EPOCH = "epoch";
    public static final String NUM_TOKENS = "num_tokens";
    public static final String REWARDS_CHOSEN = "rewards/chosen";
    public static final String REWARDS_REJECTED = "rewards/rejected";
    public static final String REWARDS_ACCURACIES = "rewards/accuracies";
    public static final String REWARDS_MARGINS = "rewards/margins";
    public static final String LOGPS_CHOSEN = "logps/chosen";
    public static final String LOGPS_REJECTED = "logps/rejected";
    public static final String LOGITS_CHOSEN = "logits/chosen";
    public static final String LOGITS_REJECTED = "logits/rejected";
    /** Token-weighted mean entropy of the policy over the scored positions of all rows. */
    public static final String ENTROPY = "entropy";
    /** Share of the chosen rows' scored positions whose most likely token is the label. */
    public static final String MEAN_TOKEN_ACCURACY = "mean_token_accuracy";
    /** Steps discarded so far by {@code train.nan_policy: skip_step} (logged only with that policy). */
    public static final String SKIPPED_STEPS = "skipped_steps";
    /** Prefix of every evaluation metric. */
    public static final String EVAL_PREFIX = "eval/";

    private MetricNames() {}
}
