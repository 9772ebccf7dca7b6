package org.dpo4j.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.dpo4j.trainer.common.ConfigValueException;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.NanPolicy;
import org.dpo4j.trainer.config.Precision;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.model.MatmulPrecision;
import org.dpo4j.trainer.optim.LossScaler;
import org.junit.jupiter.api.Test;

/** {@code train.precision} against the device: auto is fp16 only on a GPU; fp16 on the CPU and bf16 are refused. */
public class StepPrecisionTest {

    @Test
    void autoIsFp16OnAGpuAndFp32OnTheCpu() {
        StepPrecision gpu = StepPrecision.of(Precision.AUTO, Device.gpu(0));
        StepPrecision.MixedFp16 mixed = assertInstanceOf(StepPrecision.MixedFp16.class, gpu);
        assertEquals(new MatmulPrecision.Fp16(), mixed.matmul());
        assertEquals(LossScaler.INIT_SCALE, mixed.lossScale());
        assertInstanceOf(StepPrecision.Fp32.class, StepPrecision.of(Precision.AUTO, Device.cpu()));
    }

    @Test
    void fp32IsFp32EverywhereWithoutScaling() {
        for (Device d : new Device[] {Device.cpu(), Device.gpu(1)}) {
            StepPrecision p = StepPrecision.of(Precision.FP32, d);
            assertEquals(new MatmulPrecision.Fp32(), p.matmul());
            assertEquals(1.0, p.lossScale());
            assertTrue(p.scaler().isEmpty());
        }
    }

    @Test
    void fp16IsRefusedOnTheCpuInOneLine() {
        assertInstanceOf(StepPrecision.MixedFp16.class, StepPrecision.of(Precision.FP16, Device.gpu(0)));
        UserInputException e = assertThrows(UserInputException.class,
                () -> StepPrecision.of(Precision.FP16, Device.cpu()));
        assertTrue(e.getMessage().startsWith("train.precision: fp16 needs a GPU"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void bf16IsRefusedByTheConfigNamingDjl() {
        ConfigValueException e = assertThrows(ConfigValueException.class, () -> new TrainConfig(8, 1, 1, null, true,
                42L, "cpu", 1, NanPolicy.STOP, true, null, Precision.BF16));
        assertTrue(e.getMessage().contains("bf16 is not supported: DJL"), e.getMessage());
        assertTrue(e.getMessage().contains("no bfloat16"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void eachScaledRunHasItsOwnScaler() {
        StepPrecision a = StepPrecision.of(Precision.FP16, Device.gpu(0));
        StepPrecision b = StepPrecision.of(Precision.FP16, Device.gpu(0));
        a.scaler().orElseThrow().update(true);
        assertEquals(LossScaler.INIT_SCALE, b.lossScale());
    }
}
