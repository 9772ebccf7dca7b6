package org.dpo4j.trainer.optim;

/**
 * Learning rate per optimizer step, as Hugging Face transformers' schedules: linear warmup from
 * 0 over {@code warmupSteps}, then constant, linear decay to 0, or half-cosine decay to 0 at
 * {@code totalSteps}. Step k (0-based) of the optimizer uses {@code lr(k)}, so with warmup the
 * very first update has learning rate 0, exactly as in transformers.
 */
public record LearningRateSchedule(String type, double peak, int warmupSteps, int totalSteps) {

    /**
     * @param warmupSteps explicit warmup steps; when 0, {@code warmupRatio · totalSteps} rounded up
     */
    public static LearningRateSchedule of(String type, double peak, int warmupSteps, double warmupRatio, int totalSteps) {
        int warmup = warmupSteps > 0 ? warmupSteps : (int) Math.ceil(warmupRatio * totalSteps);
        return new LearningRateSchedule(type, peak, warmup, totalSteps);
    }

    /** The learning rate of 0-based optimizer step {@code step}. */
    public double lr(int step) {
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return switch (type) {
            case "constant" -> peak;
            case "linear" -> peak * Math.max(0.0, 1.0 - progress);
            case "cosine" -> peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
            default -> throw new IllegalArgumentException("unknown schedule " + type);
        };
    }
}
