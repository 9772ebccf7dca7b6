package org.dpo4j.losses;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.dpo4j.losses.GoldenVectors.GoldenCase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The loss-specific golden {@code extras} and {@code nll_loss} that our losses expose, in float64
 * at the README's value tolerance, from {@code seq_inputs}: H-DPO's plain DPO rewards
 * ({@code rewards_plain/*}), bco_pair's δ ({@link BcoPairLoss#currentDelta()} after the first
 * call) and CPO's NLL term ({@code nll_loss}).
 */
class GoldenExtrasTest {

    @TestFactory
    Stream<DynamicTest> extras() {
        return GoldenVectors.directories().stream().flatMap(dir -> Stream.of("hdpo", "bco_pair", "cpo")
                .filter(loss -> GoldenVectors.indexEntry(dir, loss).isObject())
                .flatMap(loss -> GoldenVectors.cases(dir, loss).stream()))
                .map(c -> dynamicTest(c.id(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        PreferenceLoss loss = GoldenLossRegistry.create(c);
        Closeness check = new Closeness(Precision.FLOAT64);
        JsonNode expected = c.expected();
        try (NDManager manager = NDManager.newBaseManager()) {
            LossOutput out = loss.compute(inputs(manager, c.seqInputs()));
            switch (c.loss()) {
                case "hdpo" -> {
                    JsonNode extras = expected.required("extras");
                    check.values("rewards_plain/chosen", out.extraMetrics().get("rewards_plain/chosen"),
                            extras.required("chosen_rewards_plain"));
                    check.values("rewards_plain/rejected", out.extraMetrics().get("rewards_plain/rejected"),
                            extras.required("rejected_rewards_plain"));
                }
                case "bco_pair" -> check.values("delta",
                        manager.create(((BcoPairLoss) loss).currentDelta()),
                        expected.required("extras").required("delta"));
                case "cpo" -> {
                    NDArray nll = out.extraMetrics().get("nll_loss");
                    check.values("nll_loss", nll.get(0), expected.required("nll_loss"));
                }
                default -> throw new IllegalStateException(c.loss());
            }
        }
        check.assertNone(c.id());
    }

    private static LossInputs inputs(NDManager manager, JsonNode in) {
        return new LossInputs(
                seq(manager, in, "policy_chosen", "chosen"), seq(manager, in, "policy_rejected", "rejected"),
                seq(manager, in, "reference_chosen", "chosen"), seq(manager, in, "reference_rejected", "rejected"));
    }

    private static SequenceLogProbs seq(NDManager manager, JsonNode in, String prefix, String side) {
        return new SequenceLogProbs(
                GoldenVectors.array(manager, in.required(prefix + "_logps"), DataType.FLOAT64),
                GoldenVectors.array(manager, in.required(prefix + "_logps_mean"), DataType.FLOAT64),
                GoldenVectors.array(manager, in.required(side + "_n_tokens"), DataType.FLOAT64));
    }
}
