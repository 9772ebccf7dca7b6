package org.dpo4j.trainer.lora;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.dpo4j.trainer.config.LoraConfig;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelFamily;

/**
 * Which linear layers a {@code target_modules} selects, as PEFT's
 * {@code check_target_module_exists} decides, over the module paths of the Hugging Face model
 * object ({@link ModelFamily#modulePath}): a list entry selects the module whose path equals it
 * or ends with {@code "." + entry}; any other string is a regular expression that must match the
 * whole path; {@code all-linear} (any case) selects every linear layer but the LM head.
 */
public sealed interface LoraTargets {

    /** Whether the module at {@code path} is targeted. */
    boolean matches(String path);

    /** A list of names or paths. */
    record Suffixes(List<String> names) implements LoraTargets {
        @Override
        public boolean matches(String path) {
            return names.stream().anyMatch(n -> path.equals(n) || path.endsWith("." + n));
        }
    }

    /** A regular expression over the whole path. */
    record Regex(Pattern pattern) implements LoraTargets {
        @Override
        public boolean matches(String path) {
            return pattern.matcher(path).matches();
        }
    }

    /** Every linear layer but the LM head. */
    record AllLinear() implements LoraTargets {
        @Override
        public boolean matches(String path) {
            return true;
        }
    }

    /** The targets of {@code config}; its family's PEFT default when {@code target_modules} is unset. */
    static LoraTargets of(LoraConfig config, ModelFamily family) {
        if (config.targetList() != null) {
            return new Suffixes(config.targetList());
        }
        String s = config.targetString();
        if (s == null) {
            return new Suffixes(family.defaultLoraTargets());
        }
        return s.toLowerCase(Locale.ROOT).equals(LoraConfig.ALL_LINEAR) ? new AllLinear() : new Regex(Pattern.compile(s));
    }

    /**
     * The linear layers of {@code architecture} (dpo4j's module names, a weight name without
     * {@code .weight}): every 2-D weight that is neither a lookup table (embeddings) nor the
     * LM head, in the architecture's tensor order.
     */
    static List<String> linearModules(ModelArchitecture architecture) {
        List<String> modules = new ArrayList<>();
        for (Map.Entry<String, Shape> e : architecture.tensorShapes().entrySet()) {
            String name = e.getKey();
            if (name.endsWith(".weight") && e.getValue().dimension() == 2 && !architecture.lookupTables().contains(name)
                    && !name.equals(architecture.headWeight())) {
                modules.add(name.substring(0, name.length() - ".weight".length()));
            }
        }
        return modules;
    }

    /** The modules of {@code architecture} these targets select, in tensor order. */
    default List<String> select(ModelArchitecture architecture) {
        ModelFamily family = architecture.family();
        return linearModules(architecture).stream().filter(m -> matches(family.modulePath(m))).toList();
    }
}
