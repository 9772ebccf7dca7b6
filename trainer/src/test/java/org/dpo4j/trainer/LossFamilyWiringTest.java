package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.losses.RaDpoVariant;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.run.TrainingSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The members of the loss family that change how the scorer forms the loss's inputs train on the
 * built-in task, and TRL's {@code entropy} and {@code mean_token_accuracy} are logged in training and
 * evaluation: LD-DPO's weighted sums (policy and live reference), WPO's weights, a combination with
 * an {@code sft} term, Ra-DPO's risk from the live reference's distribution. At step 1 policy =
 * reference, so every log-ratio and every risk is 0 and the values follow by hand (each below).
 */
class LossFamilyWiringTest {

    @TempDir Path runDir;

    static List<LossConfig> losses() {
        return List.of(
                new LossConfig.Dpo(0.1, null, null, 0.5, null),
                new LossConfig.Combined(null, null, null),
                new LossConfig.RaDpo(null, null, RaDpoVariant.RA_DPO1, null, null, null, null, null),
                new LossConfig.RaDpo(null, null, RaDpoVariant.RA_DPO2, 0.8, false, null, 0.5, true));
    }

    @ParameterizedTest
    @MethodSource("losses")
    void trainsAndLogsTrlsMetrics(LossConfig loss) {
        List<MetricsRecord> logged = new ArrayList<>();
        TrainingSummary summary = DpoTrainer.train(withLoss(loss), runDir, new TrainingListener() {
            @Override
            public void onLog(MetricsRecord record) {
                logged.add(record);
            }
        });
        assertEquals(3, logged.size());
        for (MetricsRecord r : logged) {
            r.values().forEach((name, value) -> assertTrue(Double.isFinite(value), loss.type() + " " + name + " = " + value));
            double entropy = r.get(MetricNames.ENTROPY);
            double accuracy = r.get(MetricNames.MEAN_TOKEN_ACCURACY);
            assertTrue(entropy > 0, "entropy " + entropy);
            assertTrue(accuracy >= 0 && accuracy <= 1, "mean_token_accuracy " + accuracy);
        }
        summary.finalEval().values().forEach((name, value) -> assertTrue(Double.isFinite(value), name));
        assertTrue(summary.finalEval().values().containsKey(MetricNames.EVAL_PREFIX + MetricNames.ENTROPY),
                summary.finalEval().values().keySet().toString());
        assertTrue(summary.finalEval().values().containsKey(MetricNames.EVAL_PREFIX + MetricNames.MEAN_TOKEN_ACCURACY));

        MetricsRecord first = logged.get(0);
        double loss1 = first.get(MetricNames.LOSS);
        if (loss instanceof LossConfig.Combined) {
            // MPO at step 1: 0.8·ln 2 (DPO) + 0.2·2·ln 2 (BCO, both softplus(0)) + 1.0·NLL.
            assertEquals(1.2 * Math.log(2) + first.get("nll_loss"), loss1, 1e-5);
        } else if (Boolean.TRUE.equals(loss.useWeighting())) {
            // WPO at step 1: ln 2 times the mean pair weight (each pair's w_c·w_r in (0, 1]).
            double weight = first.get("wpo/pair_weight");
            assertTrue(weight > 0 && weight <= 1, "pair weight " + weight);
            assertEquals(Math.log(2) * weight, loss1, 0.05 * loss1); // mean of products vs product of means
        } else {
            // DPO with LD weights, Ra-DPO (risks 0): ln 2.
            assertEquals(Math.log(2), loss1, 1e-5);
        }
        if (loss instanceof LossConfig.RaDpo) {
            assertEquals(0.0, first.get("risk/chosen"), 1e-6);
        }
    }

    /** D2O and WRPO read other records than pairs; on the built-in pairs the run says so, in one line. */
    @Test
    void lossesOnOtherDataAreRefusedWithTheReason() {
        for (LossConfig loss : List.of(new LossConfig.D2o(null, null), new LossConfig.Wrpo(null, null, null, null, null))) {
            UserInputException e = assertThrows(UserInputException.class,
                    () -> DpoTrainer.train(withLoss(loss), runDir.resolve(loss.type()), new TrainingListener() {}));
            assertTrue(e.getMessage().startsWith("data.train: builtin:tiny-prefs holds pairs, and this loss trains on "
                    + loss.create().requirements().completions().configName()), e.getMessage());
        }
    }

    private static RunConfig withLoss(LossConfig loss) {
        RunConfig base = TestConfigs.tiny(3, 1e-3, 1);
        return new RunConfig(base.model(), base.reference(), base.data(), loss, base.optim(), base.schedule(),
                base.train(), base.eval(), base.output());
    }
}
