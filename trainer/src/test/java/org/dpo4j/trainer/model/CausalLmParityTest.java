package org.dpo4j.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.checkpoint.ParityCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every architecture's forward pass against Hugging Face logits from an independent float64
 * reference ({@code fixture.json}, format {@code hf-causal-lm-fixture/1}), for each case in the
 * folders of the system property {@code parity.dir} (comma-separated), loaded by {@link HfModelLoader} (F32, F16, BF16,
 * single file or sharded). Per case:
 * the right-padded batch with the fixture's position ids, the same batch through the two-argument
 * forward (positions 0..T−1, what the trainer calls), and the left-padded block with
 * {@code cumsum(mask) − 1} positions. Valid logits and valid next-token log-probs must lie within
 * the fixture's own tolerances.
 */
class CausalLmParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> logitsMatchTransformers() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (ParityCases.Case c : ParityCases.all()) {
            String name = c.name();
            Path caseDir = c.dir();
            tests.add(DynamicTest.dynamicTest(name + " right-padded", () -> check(caseDir, Block.RIGHT)));
            tests.add(DynamicTest.dynamicTest(name + " right-padded, default positions", () -> check(caseDir, Block.RIGHT_DEFAULT_POSITIONS)));
            tests.add(DynamicTest.dynamicTest(name + " left-padded", () -> check(caseDir, Block.LEFT)));
        }
        return tests.stream();
    }

    /** Which batch of a fixture to run, and how. */
    private enum Block {
        RIGHT, RIGHT_DEFAULT_POSITIONS, LEFT
    }

    private static void check(Path caseDir, Block block) throws IOException {
        JsonNode fixture = JSON.readTree(caseDir.resolve("fixture.json").toFile());
        JsonNode batch = block == Block.LEFT ? fixture.get("left_padded") : fixture;
        assertTrue(batch != null && !batch.isMissingNode(), caseDir + ": fixture has no " + block + " block");
        int b = fixture.get("batch_size").asInt();
        int t = fixture.get("seq_len").asInt();
        int v = fixture.get("vocab_size").asInt();
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel loaded = HfModelLoader.load(caseDir, t, manager);
            assertEquals(List.of(), loaded.unusedTensors(), caseDir + ": every stored tensor is a parameter or a known buffer");
            CausalLm model = CausalLm.of(loaded.architecture(), loaded.weights());
            long[] idValues = longs(batch.get("input_ids"));
            NDArray ids = manager.create(idValues, new Shape(b, t));
            NDArray mask = manager.create(longs(batch.get("attention_mask")), new Shape(b, t));
            NDArray logitsArray = block == Block.RIGHT_DEFAULT_POSITIONS
                    ? model.forward(ids, mask)
                    : model.forward(ids, mask, manager.create(longs(batch.get("position_ids")), new Shape(b, t)));
            float[] logits = logitsArray.toFloatArray();
            float[] logProbs = logitsArray.logSoftmax(-1).toFloatArray();

            double[] rowLogitError = new double[b];
            double[] rowLogProbError = new double[b];
            for (int row = 0; row < b; row++) {
                for (int pos = 0; pos < t; pos++) {
                    int at = (row * t + pos) * v;
                    if (batch.get("logits_valid").get(row).get(pos).asInt() == 1) {
                        JsonNode expected = batch.get("logits").get(row).get(pos);
                        for (int k = 0; k < v; k++) {
                            rowLogitError[row] = Math.max(rowLogitError[row], Math.abs(logits[at + k] - expected.get(k).asDouble()));
                        }
                    }
                    if (pos < t - 1 && batch.get("next_token_valid").get(row).get(pos).asInt() == 1) {
                        int next = (int) idValues[row * t + pos + 1];
                        double expected = batch.get("next_token_logprobs").get(row).get(pos).asDouble();
                        rowLogProbError[row] = Math.max(rowLogProbError[row], Math.abs(logProbs[at + next] - expected));
                    }
                }
            }
            double logitError = Arrays.stream(rowLogitError).max().orElse(0);
            double logProbError = Arrays.stream(rowLogProbError).max().orElse(0);
            System.out.printf("parity %s %s: max |logit error| per row %s, max |log-prob error| per row %s%n",
                    caseDir.getFileName(), block, scientific(rowLogitError), scientific(rowLogProbError));
            double logitTolerance = fixture.get("tolerance").get("logits_max_abs").asDouble();
            double logProbTolerance = fixture.get("tolerance").get("logprobs_max_abs").asDouble();
            assertTrue(logitError <= logitTolerance, "max |logit error| " + logitError + " > " + logitTolerance);
            assertTrue(logProbError <= logProbTolerance, "max |log-prob error| " + logProbError + " > " + logProbTolerance);
        }
    }

    private static String scientific(double[] values) {
        return Arrays.stream(values).mapToObj(x -> String.format("%.2e", x)).toList().toString();
    }

    /** A JSON matrix of integers, row-major. */
    private static long[] longs(JsonNode rows) {
        List<Long> out = new ArrayList<>();
        rows.forEach(row -> row.forEach(x -> out.add(x.asLong())));
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
