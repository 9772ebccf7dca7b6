package org.dpo4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ConfigLoaderTest {

    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path dir;

    private RunConfig load(Path file, String... sets) {
        return loader.load(file, file == null ? null : file.getFileName().toString(), sets(sets), List.of())
                .config();
    }

    private static List<ConfigOverride> sets(String... sets) {
        return Arrays.stream(sets).map(ConfigOverride::parseSet).toList();
    }

    private String error(Path file, String... sets) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(file, sets));
        TestSupport.assertOneLine(e.getMessage());
        assertTrue(e.getMessage().startsWith("config error: "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void embeddedDefaultsBind() {
        RunConfig c = load(null);
        assertEquals("tiny", c.model().preset());
        assertEquals("llama", c.model().arch());
        assertEquals(java.util.List.of("builtin:tiny-prefs"), c.data().train());
        assertNull(c.data().eval());
        assertEquals(0.1, c.data().evalFraction());
        assertEquals(128, c.data().maxLength());
        assertEquals(64, c.data().maxPromptLength());
        assertEquals(LossConfig.Dpo.withBeta(0.1), c.loss());
        assertEquals(1.0e-3, c.optim().lr());
        assertEquals(List.of(0.9, 0.999), c.optim().betas());
        assertEquals(1.0e-8, c.optim().eps());
        assertEquals("cosine", c.schedule().type());
        assertEquals(10, c.schedule().warmupSteps());
        assertEquals(8, c.train().batchSize());
        assertEquals(200, c.train().maxSteps());
        assertNull(c.train().epochs());
        assertTrue(c.train().groupByLength());
        assertEquals(42L, c.train().seed());
        assertEquals("auto", c.train().device());
        assertEquals(10, c.train().logEvery());
        assertEquals(50, c.eval().every());
        assertNull(c.output().dir());
    }

    @Test
    void unknownKeyInFileNamesPathAllowedKeysAndLocation() throws IOException {
        Path f = TestSupport.write(dir, "run.yaml", "loss:\n  type: dpo\n  bta: 0.2\n");
        assertEquals("config error: run.yaml:3:3: unknown key loss.bta; did you mean loss.beta? (allowed: type, beta, label_smoothing, rpo_alpha, ld_alpha, use_weighting)", error(f));
    }

    @Test
    void unknownKeyFromSetNamesTheArgument() {
        assertEquals("config error: unknown key loss.bta; did you mean loss.beta? (allowed: type, beta, label_smoothing, rpo_alpha, ld_alpha, use_weighting) (from --set loss.bta=1)",
                error(null, "loss.bta=1"));
        assertEquals("config error: unknown key train.max_step; did you mean train.max_steps? (allowed: batch_size,"
                        + " gradient_accumulation_steps, max_steps, epochs, group_by_length, seed, device, log_every, nan_policy,"
                        + " share_prompts, threads, precision) (from --set train.max_step=3)",
                error(null, "train.max_step=3"));
    }

    @Test
    void unknownTopLevelNodeListsTheNodes() throws IOException {
        Path f = TestSupport.write(dir, "run.yaml", "modle:\n  preset: tiny\n");
        assertEquals("config error: run.yaml:1:1: unknown key modle; did you mean model? (allowed: model, reference, data, loss, optim,"
                + " schedule, train, eval, save, output, lora)", error(f));
        // a --set path into a missing node creates it, then binding rejects it
        assertTrue(error(null, "foo.bar=1").contains("unknown key foo (allowed: model,"));
    }

    @Test
    void unknownKeysNameTheClosestValidKey() throws IOException {
        // nested node, in a file: the suggestion keeps the node's path
        Path f = TestSupport.write(dir, "nested.yaml", "data:\n  columns:\n    promt: question\n");
        assertEquals("config error: nested.yaml:3:5: unknown key data.columns.promt; did you mean data.columns.prompt?"
                + " (allowed: prompt, chosen, rejected)", error(f));
        // the loss node's keys depend on loss.type: alpha is fdpo's, tau is discopop's
        Path g = TestSupport.write(dir, "loss.yaml", "loss:\n  type: fdpo\n  divergnce: js\n");
        assertEquals("config error: loss.yaml:3:3: unknown key loss.divergnce; did you mean loss.divergence?"
                + " (allowed: type, beta, divergence, alpha, rpo_alpha, ld_alpha, use_weighting)", error(g));
        assertEquals("config error: unknown key loss.taus; did you mean loss.tau? (allowed: type, beta, tau, rpo_alpha, ld_alpha, use_weighting)"
                + " (from --set loss.taus=0.1)", error(null, "loss.type=discopop", "loss.taus=0.1"));
        // case, dashes and camelCase fold to snake_case; a longer spelling of a node is its prefix
        assertTrue(error(null, "train.maxSteps=3").contains("did you mean train.max_steps?"));
        assertTrue(error(null, "optim.max-grad-norm=1").contains("did you mean optim.max_grad_norm?"));
        assertTrue(error(null, "optimizer.lr=1").contains("unknown key optimizer; did you mean optim?"));
        // nothing close: no guess
        assertEquals("config error: unknown key loss.temperature (allowed: type, beta, label_smoothing, rpo_alpha, ld_alpha, use_weighting)"
                + " (from --set loss.temperature=1)", error(null, "loss.temperature=1"));
        // a mistyped loss type or closed-set value gets the closest name too
        assertTrue(error(null, "loss.type=fpdo").startsWith("config error: loss.type: unknown 'fpdo'; did you mean fdpo?"));
        assertTrue(error(null, "schedule.type=cosin")
                .contains("schedule.type: must be one of [constant, linear, cosine], got 'cosin'; did you mean cosine?"));
    }

    @Test
    void badValueNamesKeyAndWhatIsAllowed() throws IOException {
        assertEquals("config error: loss.beta: must be a finite number > 0, got -1.0 (from --set loss.beta=-1)",
                error(null, "loss.beta=-1"));
        Path f = TestSupport.write(dir, "run.yaml", "optim:\n  betas: [0.9, 1.5]\n");
        assertEquals("config error: run.yaml:2:16: optim.betas[1]: must be in [0.0, 1.0), got 1.5", error(f));
        assertTrue(error(null, "train.device=tpu").contains("train.device: must be auto, cpu, gpu or gpu:N, got 'tpu'"));
        assertTrue(error(null, "schedule.type=step")
                .contains("schedule.type: must be one of [constant, linear, cosine], got 'step'"));
        assertTrue(error(null, "data.max_prompt_length=128")
                .startsWith("config error: data.max_prompt_length: must be < max_length (128), got 128"));
    }

    @Test
    void epochsReplaceMaxStepsAndExactlyOneIsSet() throws IOException {
        RunConfig byEpochs = load(null, "train.max_steps=null", "train.epochs=2");
        assertNull(byEpochs.train().maxSteps());
        assertEquals(2, byEpochs.train().epochs());
        // the defaults set max_steps, so adding epochs alone sets both: the error names epochs, where it came from
        assertEquals("config error: train.epochs: set train.max_steps or train.epochs, not both;"
                        + " e.g. --set train.max_steps=null --set train.epochs=2 (from --set train.epochs=2)",
                error(null, "train.epochs=2"));
        Path f = TestSupport.write(dir, "run.yaml", "train:\n  epochs: 3\n");
        assertEquals("config error: run.yaml:2:11: train.epochs: set train.max_steps or train.epochs, not both;"
                + " e.g. --set train.max_steps=null --set train.epochs=2", error(f));
        assertEquals("config error: train.max_steps: set train.max_steps or train.epochs (both are null);"
                        + " e.g. --set train.max_steps=200 or --set train.epochs=2 (from --set train.max_steps=null)",
                error(null, "train.max_steps=null"));
        assertTrue(error(null, "train.max_steps=null", "train.epochs=0")
                .startsWith("config error: train.epochs: must be >= 1, got 0"));
        assertTrue(error(null, "train.group_by_length=null")
                .startsWith("config error: train.group_by_length: is required (got null)"));
    }

    @Test
    void wrongTypeSaysWhatWasExpected() throws IOException {
        assertEquals("config error: train.max_steps: expected an integer, got \"abc\" (from --set train.max_steps=abc)",
                error(null, "train.max_steps=abc"));
        assertTrue(error(null, "train.max_steps=1.5").contains("train.max_steps: expected an integer, got 1.5"));
        assertTrue(error(null, "optim.lr=[1, 2]").contains("optim.lr: expected a number, got a list [1,2]"));
        assertTrue(error(null, "optim.betas=0.9").contains("optim.betas: expected a list, got 0.9"));
        assertTrue(error(null, "model=tiny").contains("model: expected a mapping, got \"tiny\""));
        Path f = TestSupport.write(dir, "run.yaml", "optim:\n  betas: [0.9, x]\n");
        assertEquals("config error: run.yaml:2:16: optim.betas[1]: expected a number, got \"x\"", error(f));
    }

    @Test
    void missingRequiredValue() throws IOException {
        assertEquals("config error: data.train: is required (got null) (from --set data.train=null)",
                error(null, "data.train=null"));
        Path f = TestSupport.write(dir, "run.yaml", "data:\n  train: null\n");
        assertEquals("config error: run.yaml:2:10: data.train: is required (got null)", error(f));
        assertTrue(error(null, "eval=null").contains("eval: is required (got null)"));
        assertTrue(error(null, "loss.type=null").contains("loss.type: is required (allowed: dpo, sigmoid, robust, exo_pair, aot, aot_pair, aot_unpaired, ipo, ipo_sum, sigmoid_norm, dpo_reference_free, hinge, nca_pair, sppo_hard, apo_zero, apo_down, orpo, bco_pair, discopop, hdpo, simpo, cpo, fdpo, tdpo, sft, combined, ra_dpo, d2o, wrpo)"));
    }

    @Test
    void unknownLossType() throws IOException {
        assertEquals("config error: loss.type: unknown 'xyz' (allowed: dpo, sigmoid, robust, exo_pair, aot, aot_pair, aot_unpaired, ipo, ipo_sum, sigmoid_norm, dpo_reference_free, hinge, nca_pair, sppo_hard, apo_zero, apo_down, orpo, bco_pair, discopop, hdpo, simpo, cpo, fdpo, tdpo, sft, combined, ra_dpo, d2o, wrpo) (from --set loss.type=xyz)",
                error(null, "loss.type=xyz"));
        Path f = TestSupport.write(dir, "run.yaml", "loss: {type: xyz}\n");
        assertEquals("config error: run.yaml:1:14: loss.type: unknown 'xyz' (allowed: dpo, sigmoid, robust, exo_pair, aot, aot_pair, aot_unpaired, ipo, ipo_sum, sigmoid_norm, dpo_reference_free, hinge, nca_pair, sppo_hard, apo_zero, apo_down, orpo, bco_pair, discopop, hdpo, simpo, cpo, fdpo, tdpo, sft, combined, ra_dpo, d2o, wrpo)", error(f));
        assertTrue(error(null, "loss=dpo").contains("loss: expected a mapping with 'type' (allowed types: dpo, sigmoid, robust,"));
    }

    @Test
    void precedenceDefaultsFileSetFlags() throws IOException {
        Path f = TestSupport.write(dir, "run.yaml",
                "loss: {beta: 0.3}\ntrain: {max_steps: 50, seed: 7}\noutput: {dir: from-file}\n");
        RunConfig fileOnly = load(f);
        assertEquals(0.3, ((LossConfig.Dpo) fileOnly.loss()).beta());
        assertEquals(50, fileOnly.train().maxSteps());
        assertEquals(8, fileOnly.train().batchSize(), "keys the file leaves out keep the defaults");

        RunConfig withSet = load(f, "loss.beta=0.2", "train.max_steps=40");
        assertEquals(0.2, ((LossConfig.Dpo) withSet.loss()).beta(), "--set wins over the file");
        assertEquals(40, withSet.train().maxSteps());
        assertEquals(7L, withSet.train().seed());

        RunConfig withFlags = loader.load(f, "run.yaml", sets("train.max_steps=40", "output.dir=from-set"),
                List.of(ConfigOverride.flag("train.max_steps", IntNode.valueOf(30), "--max-steps 30"),
                        ConfigOverride.flag("output.dir", TextNode.valueOf("from-flag"), "--output-dir from-flag")))
                .config();
        assertEquals(30, withFlags.train().maxSteps(), "flags win over --set");
        assertEquals("from-flag", withFlags.output().dir());
    }

    @Test
    void laterSetWinsAndSetValuesAreYaml() {
        RunConfig c = load(null, "loss.beta=0.5", "loss.beta=0.25", "optim.betas=[0.8, 0.95]",
                "data.eval=held-out.jsonl", "data.eval=null", "train.device=cpu");
        assertEquals(0.25, ((LossConfig.Dpo) c.loss()).beta());
        assertEquals(List.of(0.8, 0.95), c.optim().betas());
        assertNull(c.data().eval());
        assertEquals("cpu", c.train().device());
    }

    @Test
    void sameLossTypeMergesKeyByKey() throws IOException {
        Path f = TestSupport.write(dir, "run.yaml", "loss: {type: dpo}\n");
        Path g = TestSupport.write(dir, "run2.yaml", "loss: {beta: 0.7}\n");
        assertEquals(LossConfig.Dpo.withBeta(0.1), load(f).loss());
        assertEquals(LossConfig.Dpo.withBeta(0.7), load(g).loss());
        assertEquals(LossConfig.Dpo.withBeta(0.3), load(g, "loss.type=dpo", "loss.beta=0.3").loss());
    }

    @Test
    void yamlAndJsonBothLoad() throws IOException {
        Path y = TestSupport.write(dir, "run.yaml",
                "# a comment\nloss:\n  beta: 0.2\noptim: {lr: 1.0e-3, betas: [0.9, 0.95]}\n");
        Path j = TestSupport.write(dir, "run.json",
                "{\"loss\": {\"beta\": 0.2}, \"optim\": {\"lr\": 1.0e-3, \"betas\": [0.9, 0.95]}}");
        RunConfig a = load(y);
        assertEquals(a, load(j));
        assertEquals(1.0e-3, a.optim().lr());
        assertEquals(List.of(0.9, 0.95), a.optim().betas());
    }

    @Test
    void jsonErrorsNameTheFileAndLocation() throws IOException {
        Path j = TestSupport.write(dir, "run.json", "{\n  \"loss\": {\"bta\": 0.2}\n}\n");
        assertEquals("config error: run.json:2:12: unknown key loss.bta; did you mean loss.beta? (allowed: type, beta, label_smoothing, rpo_alpha, ld_alpha, use_weighting)", error(j));
    }

    @Test
    void syntaxErrorsGiveFileLineColumn() throws IOException {
        Path y = TestSupport.write(dir, "bad.yaml", "loss:\n  beta: [1\n");
        String m = error(y);
        assertTrue(m.startsWith("config error: bad.yaml:3:1: YAML syntax error: "), m);
        Path j = TestSupport.write(dir, "bad.json", "{\"loss\": {\"beta\": 1,}}");
        m = error(j);
        assertTrue(m.startsWith("config error: bad.json:1:21: JSON syntax error: "), m);
        Path d = TestSupport.write(dir, "dup.yaml", "loss: {beta: 1}\nloss: {beta: 2}\n");
        assertTrue(error(d).contains("dup.yaml:2:5: YAML syntax error: duplicate key 'loss'"), error(d));
    }

    @Test
    void missingFileEmptyFileAndNonMappingFile() throws IOException {
        assertEquals("config error: config file not found: nope.yaml", error(dir.resolve("nope.yaml")));
        assertEquals(load(null), load(TestSupport.write(dir, "empty.yaml", "# nothing\n")));
        assertTrue(error(TestSupport.write(dir, "list.yaml", "- a\n- b\n"))
                .contains("list.yaml: expected a mapping of sections"));
    }

    @Test
    void resolvedYamlLoadsBackToTheSameConfig() throws IOException {
        ResolvedConfig r = loader.load(null, null,
                sets("loss.beta=0.2", "optim.eps=1.0e-6", "output.dir=runs/x", "data.eval=e.jsonl"), List.of());
        assertTrue(r.yaml().contains("  type: dpo\n"), r.yaml());
        Path f = TestSupport.write(dir, "resolved-config.yaml", r.yaml());
        assertEquals(r.config(), load(f));
    }
}
