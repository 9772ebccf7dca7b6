package org.dpo4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The Hugging Face fixture cases of every folder the system property {@code parity.dir} lists
 * (comma-separated; the pom lists all of ours), each folder's cases in its {@code index.json}
 * order. Tests take every expectation from these files, so another set of the same format runs
 * unchanged.
 */
public final class ParityCases {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One case of an {@code index.json}.
     *
     * @param dir          its folder
     * @param architecture {@code architectures[0]}, e.g. {@code LlamaForCausalLM}
     * @param dtype        the stored weights' dtype, {@code F32}, {@code F16} or {@code BF16}
     * @param files        the files index.json lists
     */
    public record Case(Path dir, String architecture, String dtype, List<String> files) {

        /** The case's name, its folder's. */
        public String name() {
            return dir.getFileName().toString();
        }

        /** Whether its weights are split over several safetensors files. */
        public boolean sharded() {
            return files.stream().filter(f -> f.endsWith(".safetensors")).count() > 1;
        }

        /** Its {@code config.json}. */
        public JsonNode config() {
            return read(dir.resolve("config.json"));
        }

        /** Its {@code fixture.json}. */
        public JsonNode fixture() {
            return read(dir.resolve("fixture.json"));
        }
    }

    private ParityCases() {}

    /** The folders of {@code parity.dir}. */
    public static List<Path> roots() {
        String property = System.getProperty("parity.dir");
        assertTrue(property != null && !property.isBlank(), "parity.dir is not set");
        List<Path> roots = Arrays.stream(property.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Path::of).toList();
        for (Path root : roots) {
            assertTrue(Files.isRegularFile(root.resolve("index.json")), "parity.dir entry has no index.json: " + root);
        }
        return roots;
    }

    /** Every case of every folder. */
    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        for (Path root : roots()) {
            for (JsonNode c : read(root.resolve("index.json")).get("cases")) {
                List<String> files = new ArrayList<>();
                c.path("files").forEach(f -> files.add(f.asText()));
                cases.add(new Case(root.resolve(c.get("dir").asText()), c.path("architecture").asText(),
                        c.path("weight_dtype").asText(), List.copyOf(files)));
            }
        }
        assertTrue(!cases.isEmpty(), "no case in " + roots());
        return cases;
    }

    /** The first case that {@code matches}, if any. */
    public static Optional<Case> first(Predicate<Case> matches) {
        return all().stream().filter(matches).findFirst();
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
