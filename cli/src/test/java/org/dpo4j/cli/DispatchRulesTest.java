package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dpo4j.losses.PreferenceLossClasses;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.registry.ModelFamilies;
import org.junit.jupiter.api.Test;

/**
 * Nothing outside a loss's or a family's own place asks which loss or family it holds: no
 * {@code instanceof} on a loss config record, a loss class, a family or a family's architecture
 * record, and no comparison of a string with a loss type name or a {@code model_type}
 * ({@code case "dpo"}, {@code .equals("gpt2")}) in the main sources of any module. Losses say
 * what they need ({@code LossRequirements}); families answer for themselves ({@code ModelFamily},
 * {@code ModelArchitecture}). The places that may name them: {@code LossConfig.java} (where each
 * type is registered) and each family's own package.
 */
class DispatchRulesTest {

    private static final Pattern INSTANCEOF = Pattern.compile("\\binstanceof\\s+([\\w.]+)");
    private static final Pattern NAME_COMPARISON =
            Pattern.compile("case\\s+\"(\\w+)\"|\"(\\w+)\"\\s*\\.equals\\(|\\.equals\\(\"(\\w+)\"\\)");

    @Test
    void noInstanceofOverLossesOrFamilies() {
        Set<String> closed = new TreeSet<>();
        for (Class<?> record : LossConfig.class.getPermittedSubclasses()) {
            closed.add(record.getSimpleName());
        }
        PreferenceLossClasses.all().forEach(c -> closed.add(c.getSimpleName()));
        for (ModelFamily family : ModelFamilies.all()) {
            closed.add(family.getClass().getSimpleName());
            closed.add(family.example(64).getClass().getSimpleName());
        }
        List<String> found = new ArrayList<>();
        MainSources.read().forEach((file, text) -> {
            for (Matcher m = INSTANCEOF.matcher(text); m.find(); ) {
                String type = m.group(1).substring(m.group(1).lastIndexOf('.') + 1);
                if (closed.contains(type)) {
                    found.add(file + ": instanceof " + m.group(1));
                }
            }
        });
        assertEquals(List.of(), found);
    }

    @Test
    void noStringComparisonWithALossTypeOrModelType() {
        Set<String> names = new TreeSet<>(ModelFamilies.modelTypes());
        for (JsonSubTypes.Type type : LossConfig.class.getAnnotation(JsonSubTypes.class).value()) {
            names.add(type.name());
        }
        assertTrue(names.containsAll(List.of("dpo", "tdpo", "fdpo", "llama", "gpt2")), names.toString());
        List<String> found = new ArrayList<>();
        for (Map.Entry<Path, String> source : MainSources.read().entrySet()) {
            if (mayNameThem(source.getKey())) {
                continue;
            }
            for (Matcher m = NAME_COMPARISON.matcher(source.getValue()); m.find(); ) {
                String literal = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                if (names.contains(literal)) {
                    found.add(source.getKey() + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), found);
    }

    /** The finder itself sees the three spellings. */
    @Test
    void theComparisonPatternSeesEverySpelling() {
        for (String code : List.of("case \"dpo\" ->", "\"gpt2\".equals(type)", "type.equals(\"qwen2\")")) {
            assertTrue(NAME_COMPARISON.matcher(code).find(), code);
        }
        assertFalse(NAME_COMPARISON.matcher("String type = \"dpo\";").find());
    }

    /** {@code LossConfig.java} registers the loss types; a family's package reads its own model_types. */
    private static boolean mayNameThem(Path file) {
        String path = file.toString().replace('\\', '/');
        return path.endsWith("/trainer/config/LossConfig.java")
                || path.matches(".*/trainer/model/(?!registry/)[a-z0-9]+/[^/]+\\.java");
    }
}
