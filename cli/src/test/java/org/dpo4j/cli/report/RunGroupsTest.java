package org.dpo4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Method labels from configs alone: a key is named where it still tells runs apart. */
class RunGroupsTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    private static JsonNode config(String yaml) throws Exception {
        return YAML.readTree(yaml);
    }

    @Test
    void keysAreNamedOnlyWhereTheyStillDiffer() throws Exception {
        List<JsonNode> configs = List.of(
                config("{loss: {type: dpo, beta: 0.1}, train: {seed: 1}}"),
                config("{loss: {type: fdpo, beta: 0.1, divergence: js, alpha: 0.5}, train: {seed: 1}}"),
                config("{loss: {type: fdpo, beta: 0.3, divergence: alpha, alpha: 0.3}, train: {seed: 2}}"),
                config("{loss: {type: fdpo, beta: 0.1, divergence: alpha, alpha: 0.7}, train: {seed: 1}}"),
                config("{loss: {type: tdpo, beta: 0.1, variant: tdpo2, alpha: 0.5}, train: {seed: 1}}"),
                config("{loss: {type: tdpo, beta: 0.1, variant: tdpo1, alpha: 0.5}, train: {seed: 3}}"));
        // alpha varies among the fdpo-alpha runs only: named there, not for js or tdpo (always 0.5)
        assertEquals(List.of("dpo", "fdpo js", "fdpo alpha alpha=0.3", "fdpo alpha alpha=0.7", "tdpo tdpo2", "tdpo tdpo1"),
                RunGroups.labels(configs, Set.of("loss.beta", "train.seed")));
    }

    @Test
    void runsThatDifferOnlyInExcludedKeysShareTheLabelBase() throws Exception {
        List<JsonNode> configs = List.of(config("{loss: {beta: 0.1}, train: {seed: 1}}"),
                config("{loss: {beta: 0.3}, train: {seed: 2}}"));
        assertEquals(List.of("base", "base"), RunGroups.labels(configs, Set.of("loss.beta", "train.seed")));
    }

    @Test
    void groupsSortXValuesNumerically() {
        Map<String, Map<String, List<Integer>>> g = RunGroups.group(List.of("a", "a", "b", "a"), List.of("0.3", "0.05", "1", "0.3"));
        assertEquals(List.of("a", "b"), List.copyOf(g.keySet()));
        assertEquals(List.of("0.05", "0.3"), List.copyOf(g.get("a").keySet()));
        assertEquals(List.of(0, 3), g.get("a").get("0.3"));
    }
}
