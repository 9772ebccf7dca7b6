package org.dpo4j.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.dpo4j.trainer.TestConfigs;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.NanPolicy;
import org.dpo4j.trainer.config.OutputConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.SaveConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.metrics.MetricsWindow;
import org.dpo4j.trainer.optim.LossScaler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** trainer_state.json round trips bit for bit, and the config fingerprint names what changed. */
class TrainerStateTest {

    @TempDir Path dir;

    @Test
    void everyDoubleComesBackBitForBit() throws Exception {
        Random random = new Random(5);
        Map<String, Double> sums = new LinkedHashMap<>();
        double[] special = {-0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE, 0.1 + 0.2, 1e23, 2e-323, -1.0 / 3};
        for (int i = 0; i < special.length; i++) {
            sums.put("special/" + i, special[i]);
        }
        for (int i = 0; i < 2000; i++) {
            // random bit patterns cover every exponent; NaN and Inf never reach a window
            double v = Double.longBitsToDouble(random.nextLong());
            sums.put("random/" + i, Double.isFinite(v) ? v : random.nextGaussian());
        }
        Map<String, Double> loss = new LinkedHashMap<>();
        loss.put("running_mean", -0.7346110153198242);
        loss.put("calls", 9.0);
        ConfigFingerprint config = ConfigFingerprint.of(TestConfigs.tiny(12, 1e-3, 3));
        TrainerState state = new TrainerState(8, 12, 1, new PairSampler.Position(2, 5), 1795, 123_456_789_012L,
                new MetricsWindow.Sums(sums, 24.0), loss, 4567, config, new LossScaler.State(32768.0, 1999));
        Path file = Files.writeString(dir.resolve("trainer_state.json"), state.toJson());

        TrainerState read = TrainerState.read(file);
        assertEquals(List.copyOf(sums.keySet()), List.copyOf(read.logWindow().weightedSums().keySet()), "order kept");
        assertArrayEquals(bits(sums), bits(read.logWindow().weightedSums()));
        assertArrayEquals(bits(loss), bits(read.lossState()));
        assertEquals(state.step(), read.step());
        assertEquals(state.maxSteps(), read.maxSteps());
        assertEquals(state.skippedSteps(), read.skippedSteps());
        assertEquals(state.data(), read.data());
        assertEquals(state.trainPairs(), read.trainPairs());
        assertEquals(state.tokensSeen(), read.tokensSeen());
        assertEquals(state.metricsBytes(), read.metricsBytes());
        assertEquals(24.0, read.logWindow().weight());
        assertEquals(new LossScaler.State(32768.0, 1999), read.lossScaler(), "the fp16 scaler resumes exactly");
        assertEquals(config.sha256(), read.config().sha256());
        assertEquals(Optional.empty(), config.firstDifference(read.config()), "the tree read back is the same config");
        assertTrue(config.sha256().matches("[0-9a-f]{64}"));
    }

    @Test
    void aBrokenStateFileIsOneLineNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("trainer_state.json"), "{\"format\": \"something else\"}");
        UserInputException e = assertThrows(UserInputException.class, () -> TrainerState.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not a dpo4j trainer state"), e.getMessage());
        String text = TrainerState.FORMAT;
        Path partial = Files.writeString(dir.resolve("partial.json"),
                "{\"format\": \"" + text + "\", \"version\": 1, \"global_step\": 3}");
        UserInputException missing = assertThrows(UserInputException.class, () -> TrainerState.read(partial));
        assertTrue(missing.getMessage().endsWith("missing field data"), missing.getMessage());
    }

    @Test
    void theFingerprintIgnoresTheRunLengthDirectoryAndPromptSharingOnly() {
        RunConfig base = TestConfigs.tiny(12, 1e-3, 3);
        ConfigFingerprint saved = ConfigFingerprint.of(base);
        RunConfig elsewhereAndLonger = new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(),
                base.schedule(), new TrainConfig(8, 1, 40, null, true, 42L, "cpu", 3), base.eval(), base.save(),
                new OutputConfig("runs/other", "f32", "2GB"));
        assertEquals(saved.sha256(), ConfigFingerprint.of(elsewhereAndLonger).sha256());
        assertEquals(Optional.empty(), ConfigFingerprint.of(elsewhereAndLonger).firstDifference(saved));

        RunConfig byEpochs = new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(),
                base.schedule(), new TrainConfig(8, 1, null, 3, true, 42L, "cpu", 3), base.eval(), base.output());
        assertEquals(Optional.empty(), ConfigFingerprint.of(byEpochs).firstDifference(saved));

        RunConfig rowsWhole = new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(),
                base.schedule(), new TrainConfig(8, 1, 12, null, true, 42L, "cpu", 3, NanPolicy.STOP, false), base.eval(),
                base.output());
        assertEquals(saved.sha256(), ConfigFingerprint.of(rowsWhole).sha256(), "share_prompts changes only rounding");

        assertEquals(Optional.of("loss.beta is 0.2, the checkpoint's is 0.1"),
                ConfigFingerprint.of(new RunConfig(base.model(), base.reference(), base.data(), LossConfig.Dpo.withBeta(0.2),
                        base.optim(), base.schedule(), base.train(), base.eval(), base.output())).firstDifference(saved));
        assertEquals(Optional.of("train.nan_policy is skip_step, the checkpoint's is stop"),
                ConfigFingerprint.of(new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(),
                        base.schedule(), new TrainConfig(8, 1, 12, null, true, 42L, "cpu", 3, NanPolicy.SKIP_STEP), base.eval(),
                        base.output())).firstDifference(saved));
        // the first difference in the config's order: train before save
        assertEquals(Optional.of("train.log_every is 5, the checkpoint's is 3"),
                ConfigFingerprint.of(new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(),
                        base.schedule(), new TrainConfig(8, 1, 12, null, true, 42L, "cpu", 5), base.eval(),
                        new SaveConfig(7, 2), base.output())).firstDifference(saved));
    }

    private static long[] bits(Map<String, Double> values) {
        return values.values().stream().mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
