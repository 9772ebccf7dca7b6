package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@link SequenceStats#tokenKl} and {@link SequenceStats#positionKl}: TDPO's KL(π_ref ‖ π). */
class SequenceKlTest {

    /**
     * Every logits case of the golden inputs file (float64): the masked per-position KL equals
     * {@code derived.<side>.token_kl} (0 where unscored) and the sequence KL {@code seq_kl}; L7's
     * ±1000 row offsets must cancel in both log-softmaxes.
     */
    @TestFactory
    Stream<DynamicTest> matchesTheGoldenDerivedKl() {
        return GoldenVectors.logitsCaseIds().stream().flatMap(id -> Stream.of("chosen", "rejected").map(side ->
                dynamicTest(id + " " + side, () -> {
                    JsonNode input = GoldenVectors.logitsInput(id);
                    JsonNode derived = input.required("derived").required(side);
                    Closeness check = new Closeness(Precision.FLOAT64);
                    try (NDManager manager = NDManager.newBaseManager()) {
                        NDArray ids = GoldenVectors.longArray(manager, input.required(side + "_input_ids"));
                        NDArray mask = GoldenVectors.longArray(manager, input.required(side + "_loss_mask"));
                        NDArray policy = GoldenVectors.array(manager, input.required(side + "_policy_logits"), DataType.FLOAT64);
                        NDArray reference = GoldenVectors.array(manager, input.required(side + "_ref_logits"), DataType.FLOAT64);
                        long t = ids.getShape().get(1);
                        NDArray scored = mask.get(":, 1:" + t).toType(DataType.FLOAT64, false);
                        check.values("token_kl", SequenceStats.positionKl(policy, reference).mul(scored),
                                derived.required("token_kl"));
                        check.values("seq_kl", SequenceStats.tokenKl(policy, reference, ids, mask), derived.required("seq_kl"));
                    }
                    check.assertNone(id + " " + side);
                })));
    }

    /**
     * ∂KL_t/∂z_t[v] = p(v|t) − p_ref(v|t) (softmax minus reference softmax) at scored positions, and
     * exactly 0 at unscored positions and the last one; KL ≥ 0 (Gibbs); reference logits get no
     * gradient (they are detached).
     */
    @Test
    void gradientIsSoftmaxMinusReferenceSoftmaxAtScoredPositions() {
        RandomBatch policyBatch = RandomBatch.of(31, 6, 11, 2, 3, 1, 0);
        RandomBatch referenceBatch = RandomBatch.of(32, 6, 11, 2, 3, 1, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray policy = policyBatch.logits(manager, DataType.FLOAT64);
            NDArray reference = referenceBatch.logits(manager, DataType.FLOAT64);
            policy.setRequiresGradient(true);
            reference.setRequiresGradient(true);
            NDArray kl = Autograd.backward(
                    () -> SequenceStats.tokenKl(policy, reference, policyBatch.ids(manager), policyBatch.mask(manager)),
                    NDArray::sum);
            double[] grad = Autograd.doubles(Autograd.gradient(policy));
            double[] p = Autograd.doubles(policy.softmax(-1));
            double[] q = Autograd.doubles(reference.softmax(-1));
            int n = policyBatch.n();
            int t = policyBatch.t();
            int v = policyBatch.v();
            for (int row = 0; row < n; row++) {
                for (int pos = 0; pos < t; pos++) {
                    boolean scored = pos < t - 1 && policyBatch.scored(row, pos + 1);
                    for (int k = 0; k < v; k++) {
                        int i = (row * t + pos) * v + k;
                        double expected = scored ? p[i] - q[i] : 0.0;
                        assertEquals(expected, grad[i], scored ? 1e-15 : 0.0, "row " + row + " pos " + pos + " v " + k);
                    }
                }
            }
            double[] klValues = Autograd.doubles(kl);
            assertTrue(klValues[0] > 0 && klValues[1] > 0, "KL of distinct distributions is > 0");
            assertEquals(0.0, klValues[2], 0.0, "a row with no scored token");
            assertTrue(Autograd.doubles(Autograd.gradient(reference)).length == n * t * v);
            for (double g : Autograd.doubles(Autograd.gradient(reference))) {
                assertEquals(0.0, g, 0.0, "reference logits are constants");
            }
        }
    }

    /** Identical logits: KL exactly 0 in both precisions (log p_ref − log p is 0 entrywise). */
    @Test
    void identicalLogitsGiveExactlyZero() {
        RandomBatch batch = RandomBatch.of(33, 7, 11, 1, 5, 3);
        for (Precision precision : Precision.values()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray logits = batch.logits(manager, precision.type);
                NDArray kl = SequenceStats.tokenKl(logits, logits.duplicate(), batch.ids(manager), batch.mask(manager));
                assertArrayEquals(new double[] {0, 0}, Autograd.doubles(kl), 0.0);
                assertEquals(precision.type, kl.getDataType());
                assertEquals(new Shape(2), kl.getShape());
            }
        }
    }

    @Test
    void mismatchedShapesAreRefused() {
        RandomBatch batch = RandomBatch.of(34, 5, 11, 1, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = batch.logits(manager, DataType.FLOAT32);
            NDArray shorter = logits.get(":, 0:4, :");
            assertThrows(IllegalArgumentException.class,
                    () -> SequenceStats.tokenKl(logits, shorter, batch.ids(manager), batch.mask(manager)));
            assertThrows(IllegalArgumentException.class,
                    () -> SequenceStats.tokenKl(shorter, shorter, batch.ids(manager), batch.mask(manager)));
        }
    }
}
