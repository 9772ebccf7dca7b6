package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.losses.DivergenceKind;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.run.TrainingSummary;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each path through the scorer trains: token KL from a live reference (TDPO), no reference
 * pass (SimPO), attended log-probs (ORPO), a divergence (f-DPO). At step 1 policy = reference,
 * so the sigmoid-family losses start at ln 2.
 */
class LossWiringTest {

    @TempDir Path runDir;

    static List<LossConfig> losses() {
        return List.of(
                new LossConfig.Tdpo(null, null, null, null, null, null),
                new LossConfig.Tdpo(null, null, null, DivergenceKind.JS, null, null),
                new LossConfig.SimPo(null, null, null, null),
                new LossConfig.Orpo(null, null),
                new LossConfig.FDpo(null, DivergenceKind.JS, null, 0.5));
    }

    @ParameterizedTest
    @MethodSource("losses")
    void trainsWithFiniteMetrics(LossConfig loss) {
        RunConfig base = TestConfigs.tiny(3, 1e-3, 1);
        RunConfig config = new RunConfig(base.model(), base.reference(), base.data(), loss, base.optim(), base.schedule(),
                base.train(), base.eval(), base.output());
        List<MetricsRecord> logged = new ArrayList<>();
        TrainingSummary summary = DpoTrainer.train(config, runDir, new TrainingListener() {
            @Override
            public void onLog(MetricsRecord record) {
                logged.add(record);
            }
        });
        assertEquals(3, logged.size());
        for (MetricsRecord r : logged) {
            r.values().forEach((name, value) -> assertTrue(Double.isFinite(value), loss.type() + " " + name + " = " + value));
        }
        summary.finalEval().values().forEach((name, value) -> assertTrue(Double.isFinite(value), name));
        if (loss instanceof LossConfig.Tdpo) {
            // Policy = reference at step 1: every per-token divergence (KL or JS) is 0, and
            // TDPO is DPO: ln 2.
            assertEquals(0.0, logged.get(0).get("kl/chosen"), 1e-6);
            assertEquals(Math.log(2), logged.get(0).get(MetricNames.LOSS), 1e-5);
        }
        if (loss instanceof LossConfig.FDpo) {
            // rpo_alpha 0.5 adds half the chosen NLL to f-DPO's ln 2 at step 1.
            double nll = logged.get(0).get("nll_loss");
            assertTrue(nll > 0, "nll_loss " + nll);
            assertEquals(Math.log(2) + 0.5 * nll, logged.get(0).get(MetricNames.LOSS), 1e-5);
        }
    }
}
