package org.dpo4j.trainer.lora;

import java.util.List;
import org.dpo4j.trainer.model.Linear;

/**
 * The adapters of one model as built: PEFT's hyper-parameters and the modules that carry one.
 *
 * @param r              rank
 * @param alpha          PEFT's {@code lora_alpha}
 * @param useRslora      scaling alpha / √r instead of alpha / r
 * @param dropout        PEFT's {@code lora_dropout} (training only)
 * @param bias           {@code none}, {@code all} or {@code lora_only}
 * @param modules        dpo4j module names (weight names without {@code .weight}) with an adapter,
 *                       in the model's tensor order
 * @param targetModules  {@code target_modules} as adapter_config.json records it: a list of names,
 *                       or a regular expression
 * @param layout         how the adapted layers store W: (in, out) is PEFT's {@code fan_in_fan_out}
 */
public record LoraSpec(int r, double alpha, boolean useRslora, double dropout, String bias, List<String> modules,
        Object targetModules, Linear.Layout layout) {

    public LoraSpec {
        modules = List.copyOf(modules);
    }

    /** s = alpha / r, or alpha / √r with rsLoRA. */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** dpo4j's name of {@code module}'s A matrix, (r, in). */
    public static String aName(String module) {
        return module + ".lora_A.weight";
    }

    /** dpo4j's name of {@code module}'s B matrix, (out, r). */
    public static String bName(String module) {
        return module + ".lora_B.weight";
    }
}
