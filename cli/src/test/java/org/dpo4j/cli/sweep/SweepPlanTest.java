package org.dpo4j.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading sweep files, expanding them into runs, the config layers, and one-line errors. */
public class SweepPlanTest {

    @TempDir Path work;

    private final ConfigLoader loader = new ConfigLoader();

    private SweepPlan plan(String sweepYaml, String... sets) throws Exception {
        TestSupport.write(work, "configs/base.yaml", "loss: {type: dpo, beta: 0.3}\ntrain: {max_steps: 7, seed: 5}\n");
        Path file = TestSupport.write(work, "configs/sweeps/s.yaml", sweepYaml);
        SweepFile sweep = SweepFile.read(loader, file, "s.yaml", work);
        List<ConfigOverride> overrides = java.util.Arrays.stream(sets).map(ConfigOverride::parseSet).toList();
        return SweepPlan.expand(sweep, loader, overrides);
    }

    private String error(String sweepYaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> plan(sweepYaml));
        TestSupport.assertOneLine(e.getMessage());
        return e.getMessage();
    }

    @Test
    void gridIsTheCartesianProductFirstKeySlowestThenTheRuns() throws Exception {
        SweepPlan p = plan("""
                base: ../base.yaml
                overrides: {loss.type: fdpo, train.max_steps: 3}
                grid:
                  loss.divergence: [reverse_kl, js]
                  loss.beta: [0.05, 0.5]
                runs: [{loss.type: tdpo, loss.variant: tdpo1}]
                """);
        assertEquals(List.of("divergence-reverse_kl_beta-0.05", "divergence-reverse_kl_beta-0.5",
                "divergence-js_beta-0.05", "divergence-js_beta-0.5", "type-tdpo_variant-tdpo1"),
                p.runs().stream().map(SweepRun::name).toList());
        assertEquals(List.of("loss.divergence", "loss.beta", "loss.type", "loss.variant"), p.columns());

        RunConfig js05 = p.runs().get(3).config().config();
        LossConfig.FDpo loss = (LossConfig.FDpo) js05.loss();
        assertEquals("js", loss.divergence().configName());
        assertEquals(0.5, loss.beta());
        assertEquals(3, js05.train().maxSteps());     // overrides over the base's 7
        assertEquals(5, js05.train().seed());         // from the base
        assertNull(js05.output().dir());              // the sweep gives the directory

        // the runs entry changes loss.type again: the loss node below it (fdpo, and the base's
        // beta 0.3 before that) is replaced whole, so beta is TDPO's default
        LossConfig.Tdpo tdpo = (LossConfig.Tdpo) p.runs().get(4).config().config().loss();
        assertEquals("tdpo1", tdpo.variant().configName());
        assertEquals(0.1, tdpo.beta());
        assertEquals("", SweepPlan.valueAt(p.runs().get(4).config(), "loss.divergence"));
        assertEquals("js", SweepPlan.valueAt(p.runs().get(3).config(), "loss.divergence"));
        assertEquals("fdpo", SweepPlan.valueAt(p.runs().get(0).config(), "loss.type"));
    }

    @Test
    void aLayerWithoutLossTypeMergesIntoTheLossNodeAndSetIsTheTopLayer() throws Exception {
        SweepPlan p = plan("""
                base: ../base.yaml
                overrides: {train.max_steps: 4}
                grid: {loss.label_smoothing: [0.1]}
                """, "train.max_steps=9");
        RunConfig c = p.runs().get(0).config().config();
        assertEquals(0.3, ((LossConfig.Dpo) c.loss()).beta()); // the base's, kept
        assertEquals(9, c.train().maxSteps());
    }

    @Test
    void noBaseMeansTheEmbeddedDefaultsAndAnEmptyRunIsNamedBase() throws Exception {
        SweepPlan p = plan("runs: [{}, {loss.beta: 0.2}]\n");
        assertEquals(List.of("base", "beta-0.2"), p.runs().stream().map(SweepRun::name).toList());
        assertEquals(loader.load(null, null, List.of(), List.of()).config().loss(),
                p.runs().get(0).config().config().loss());
    }

    @Test
    void anUnknownKeyInTheGridNamesTheSweepFileLineAndKeyPath() {
        String m = error("""
                base: ../base.yaml
                grid:
                  loss.bta: [0.1, 0.2]
                """);
        assertEquals("config error: s.yaml:3:3: grid.loss.bta: unknown key loss.bta; did you mean loss.beta?"
                + " (allowed: type, beta, label_smoothing, rpo_alpha, ld_alpha, use_weighting)", m);
    }

    @Test
    void aBadValueNamesItsListItem() {
        String m = error("""
                grid:
                  loss.beta: [0.1, -1]
                """);
        assertTrue(m.startsWith("config error: s.yaml:2:20: grid.loss.beta[1]: loss.beta: "), m);
    }

    @Test
    void keysThatDoNotFitANewLossTypeAreErrorsNamingTheirEntry() {
        String m = error("""
                overrides: {loss.type: tdpo}
                grid: {loss.divergence: [js]}
                """);
        assertTrue(m.startsWith("config error: s.yaml:2:8: grid.loss.divergence: unknown key loss.divergence"), m);
    }

    @Test
    void malformedSweepFilesAreOneLineErrors() {
        assertEquals("config error: s.yaml:2:1: extra: unknown key extra at the top level of a sweep file"
                + " (allowed: base, overrides, grid, runs)", error("grid: {loss.beta: [1]}\nextra: 1\n"));
        assertEquals("config error: s.yaml:1:19: grid.loss.beta: expected a non-empty list of values,"
                + " e.g. [0.05, 0.1], got 0.1", error("grid: {loss.beta: 0.1}\n"));
        assertEquals("config error: s.yaml: a sweep needs a grid, runs, or both", error("overrides: {loss.beta: 1}\n"));
        assertTrue(error("base: missing.yaml\nruns: [{}]\n").startsWith(
                "config error: s.yaml:1:7: base: config file not found: configs/sweeps/missing.yaml"));
        assertTrue(error("runs: [{output.dir: x}]\n").contains("runs[0].output.dir: output.dir cannot be set in a sweep"));
        assertTrue(error("runs: [{loss..beta: 1}]\n").contains("runs[0].loss..beta: bad key path 'loss..beta'"));
        assertEquals("config error: s.yaml:1:27: runs[1].loss.beta: the same run as an earlier one (loss.beta=0.2)",
                error("runs: [{loss.beta: 0.2}, {loss.beta: 0.2}]\n"));
        assertTrue(error("runs: [1]\n").contains("runs[0]: expected a mapping"));
    }
}
