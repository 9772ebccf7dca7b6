package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * LoRA adapters (PEFT's {@code LoraConfig}, same keys, meanings and defaults): every targeted
 * linear layer computes y = Wx + b + s·B(A(dropout(x))) with A (r, in), B (out, r) and
 * s = alpha / r, or alpha / √r with rsLoRA; only A and B (and the biases {@code bias} names)
 * are trained, and the reference is the base model with the adapters switched off. The run
 * config's {@code lora: null} (the default) is full fine-tuning.
 *
 * @param r             the adapters' rank; default 8
 * @param alpha         PEFT's {@code lora_alpha} (also accepted under that name); default 8
 * @param dropout       PEFT's {@code lora_dropout}, on the adapters' input during training only;
 *                      in [0, 1), default 0
 * @param targetModules which linear layers get adapters: a list of module-name suffixes
 *                      ({@code q_proj} matches every {@code ...q_proj}), a regular expression
 *                      that must match a whole module path, or {@code all-linear} (every linear
 *                      layer but the LM head); null = PEFT's default for the model type
 *                      ({@code q_proj, v_proj} for Llama-style models, {@code c_attn} for GPT-2)
 * @param useRslora     rank-stabilised scaling alpha / √r; default false
 * @param bias          which biases train: {@code none} (default), {@code all}, or
 *                      {@code lora_only} (the biases of the adapted layers)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LoraConfig(Integer r, @JsonAlias("lora_alpha") Double alpha, Double dropout, Object targetModules,
        Boolean useRslora, String bias) {

    /** The string of {@code target_modules} that selects every linear layer but the LM head. */
    public static final String ALL_LINEAR = "all-linear";
    /** The values of {@code bias}. */
    public static final List<String> BIASES = List.of("none", "all", "lora_only");

    @JsonCreator
    public LoraConfig {
        r = r == null ? 8 : r;
        alpha = alpha == null ? 8.0 : alpha;
        dropout = dropout == null ? 0.0 : dropout;
        useRslora = useRslora != null && useRslora;
        bias = bias == null ? "none" : bias;
        Check.atLeast("r", r, 1);
        Check.positive("alpha", alpha);
        Check.halfOpen("dropout", dropout, 0, 1);
        Check.oneOf("bias", bias, BIASES);
        targetModules = checkTargets(targetModules);
    }

    /** Rank r, PEFT's other defaults. */
    public LoraConfig(int r, double alpha) {
        this(r, alpha, null, null, null, null);
    }

    /** s = alpha / r, or alpha / √r with {@code use_rslora}. */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** The configured targets as a list of suffixes, or null when {@code target_modules} is a string or unset. */
    @SuppressWarnings("unchecked")
    public List<String> targetList() {
        return targetModules instanceof List<?> list ? (List<String>) list : null;
    }

    /** {@code target_modules} when it is a string (a regular expression or {@code all-linear}), else null. */
    public String targetString() {
        return targetModules instanceof String s ? s : null;
    }

    private static Object checkTargets(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            if (s.isBlank()) {
                throw new ConfigValueException("target_modules", "must be a list of module names, a regular expression or "
                        + ALL_LINEAR + ", got an empty string");
            }
            if (!s.equalsIgnoreCase(ALL_LINEAR)) {
                try {
                    Pattern.compile(s);
                } catch (PatternSyntaxException e) {
                    throw new ConfigValueException("target_modules", "'" + s + "' is not a valid regular expression: "
                            + e.getDescription());
                }
            }
            return s;
        }
        if (value instanceof List<?> list && !list.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof String name) || name.isBlank()) {
                    throw new ConfigValueException("target_modules", "list entries must be module names such as q_proj, got "
                            + item);
                }
                names.add(name);
            }
            return List.copyOf(names);
        }
        throw new ConfigValueException("target_modules", "must be a non-empty list of module names (e.g. [q_proj, v_proj]),"
                + " a regular expression or " + ALL_LINEAR + ", got " + value);
    }
}
