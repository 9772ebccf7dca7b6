package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * One training run, fully resolved: every node is present (defaults fill what a file leaves
 * out). Keys are snake_case in YAML/JSON; see DESIGN.md §4 for the contract.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"model", "reference", "data", "loss", "optim", "schedule", "train", "eval", "save", "output", "lora"})
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
        OutputConfig output,
        LoraConfig lora) {

    /** @param lora LoRA adapters, or null for full fine-tuning (the default) */
    @com.fasterxml.jackson.annotation.JsonCreator
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
        if (lora != null && reference.syncs()) {
            // the reference is the policy's base with its adapters off: there is no second model to mix into
            throw new ConfigValueException("reference.sync_every", reference.syncEvery() + " (TR-DPO) cannot be used with"
                    + " lora: the reference is the base model with the adapters switched off; set sync_every: 0 or lora: null");
        }
    }

    /** A full fine-tuning run. */
    public RunConfig(ModelConfig model, ReferenceConfig reference, DataConfig data, LossConfig loss, OptimConfig optim,
            ScheduleConfig schedule, TrainConfig train, EvalConfig eval, SaveConfig save, OutputConfig output) {
        this(model, reference, data, loss, optim, schedule, train, eval, save, output, null);
    }

    /** A run with the default {@link SaveConfig#DEFAULT} checkpoint settings. */
    public RunConfig(ModelConfig model, ReferenceConfig reference, DataConfig data, LossConfig loss, OptimConfig optim,
            ScheduleConfig schedule, TrainConfig train, EvalConfig eval, OutputConfig output) {
        this(model, reference, data, loss, optim, schedule, train, eval, SaveConfig.DEFAULT, output);
    }

    /** This run with {@code save} instead of its checkpoint settings. */
    public RunConfig withSave(SaveConfig save) {
        return new RunConfig(model, reference, data, loss, optim, schedule, train, eval, save, output, lora);
    }

    /** This run with {@code lora} adapters (null: full fine-tuning). */
    public RunConfig withLora(LoraConfig lora) {
        return new RunConfig(model, reference, data, loss, optim, schedule, train, eval, save, output, lora);
    }
}
