package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One training run, fully resolved: every node is present (defaults fill what a file leaves
 * out). Keys are snake_case in YAML/JSON; see DESIGN.md §4 for the contract.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"model", "reference", "data", "loss", "optim", "schedule", "train", "eval", "save", "output"})
public record RunConfig(
        ModelConfig model,
        ReferenceConfig reference,
        DataConfig data,
        LossConfig loss,
        OptimConfig optim,
        ScheduleConfig schedule,
        TrainConfig train,
        EvalConfig eval,
        SaveConfig save,
        OutputConfig output) {

    public RunConfig {
        Check.required("model", model);
        Check.required("reference", reference);
        Check.required("data", data);
        Check.required("loss", loss);
        Check.required("optim", optim);
        Check.required("schedule", schedule);
        Check.required("train", train);
        Check.required("eval", eval);
        Check.required("save", save);
        Check.required("output", output);
    }

    /** A run with the default {@link SaveConfig#DEFAULT} checkpoint settings. */
    public RunConfig(ModelConfig model, ReferenceConfig reference, DataConfig data, LossConfig loss, OptimConfig optim,
            ScheduleConfig schedule, TrainConfig train, EvalConfig eval, OutputConfig output) {
        this(model, reference, data, loss, optim, schedule, train, eval, SaveConfig.DEFAULT, output);
    }

    /** This run with {@code save} instead of its checkpoint settings. */
    public RunConfig withSave(SaveConfig save) {
        return new RunConfig(model, reference, data, loss, optim, schedule, train, eval, save, output);
    }
}
