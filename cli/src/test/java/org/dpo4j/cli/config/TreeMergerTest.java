package org.dpo4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class TreeMergerTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private final TreeMerger merger = new TreeMerger(Map.of("loss", "type"));
    private final Source lower = new Source.Defaults();
    private final Source upper = new Source.ConfigFile(Path.of("run.yaml"), "run.yaml", false);

    private static ObjectNode yaml(String text) throws IOException {
        return (ObjectNode) YAML.readTree(text);
    }

    private ObjectNode merge(String base, String higher, Provenance p) throws IOException {
        ObjectNode tree = yaml(base);
        p.recordAll("", tree, x -> lower);
        merger.merge(tree, yaml(higher), x -> upper, p);
        return tree;
    }

    @Test
    void mappingsMergeKeyByKeyScalarsAndListsReplace() throws IOException {
        Provenance p = new Provenance();
        JsonNode merged = merge(
                "optim: {lr: 0.1, betas: [0.9, 0.999], eps: 1.0e-8}\ntrain: {seed: 1}",
                "optim: {lr: 0.2, betas: [0.5]}\neval: {every: 3}", p);
        assertEquals(yaml("optim: {lr: 0.2, betas: [0.5], eps: 1.0e-8}\ntrain: {seed: 1}\neval: {every: 3}"), merged);
        assertEquals(upper, p.lookup("optim.lr"));
        assertEquals(upper, p.lookup("optim.betas[0]"));
        assertEquals(lower, p.lookup("optim.eps"));
        assertEquals(lower, p.lookup("train.seed"));
        assertEquals(upper, p.lookup("eval.every"));
        assertEquals(upper, p.lookup("eval.every.deeper"), "unknown paths fall back to their ancestors");
    }

    @Test
    void aDifferentLossTypeReplacesTheLossNodeWhole() throws IOException {
        Provenance p = new Provenance();
        JsonNode merged = merge("loss: {type: dpo, beta: 0.1}", "loss: {type: ipo, tau: 0.5}", p);
        assertEquals(yaml("loss: {type: ipo, tau: 0.5}"), merged);
        assertEquals(upper, p.lookup("loss.beta"), "nothing of the old loss node is left behind");
    }

    @Test
    void theSameLossTypeOrNoTypeMerges() throws IOException {
        Provenance p = new Provenance();
        assertEquals(yaml("loss: {type: dpo, beta: 0.2}"),
                merge("loss: {type: dpo, beta: 0.1}", "loss: {type: dpo, beta: 0.2}", p));
        assertEquals(yaml("loss: {type: dpo, beta: 0.3}"),
                merge("loss: {type: dpo, beta: 0.1}", "loss: {beta: 0.3}", p));
    }

    @Test
    void onlyTypedNodesAreReplacedOnATypeChange() throws IOException {
        JsonNode merged = merge("schedule: {type: cosine, warmup_steps: 10}", "schedule: {type: linear}",
                new Provenance());
        assertEquals(yaml("schedule: {type: linear, warmup_steps: 10}"), merged);
    }

    @Test
    void objectsAndScalarsReplaceEachOther() throws IOException {
        assertEquals(yaml("model: null"), merge("model: {preset: tiny}", "model: null", new Provenance()));
        assertInstanceOf(ObjectNode.class,
                merge("data: {eval: null}", "data: {eval: {x: 1}}", new Provenance()).get("data").get("eval"));
    }
}
