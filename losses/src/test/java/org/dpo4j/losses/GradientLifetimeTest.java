package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every loss, each divergence included: a Java GC between forward and backward changes no
 * gradient bit (see {@link Constants} for the DJL hazard this guards against). All seven
 * {@link LossInputs} fields are gradient leaves, so TDPO's KL and ORPO's attended log-probs are
 * covered too.
 */
class GradientLifetimeTest {

    static List<PreferenceLoss> everyLoss() {
        List<PreferenceLoss> losses = new ArrayList<>(SequenceLossInvariantsTest.allLosses(0.3));
        for (String name : Divergence.NAMES) {
            losses.add(new FDpoLoss(0.3, Divergence.named(name, 0.4)));
        }
        losses.add(new TdpoLoss(0.3, 0.5, TdpoVariant.TDPO1));
        losses.add(new TdpoLoss(0.3, 0.5, TdpoVariant.TDPO2));
        losses.add(new OrpoLoss(0.3));
        losses.add(new SftLoss());
        losses.add(new NllRegularized(new DpoSigmoidLoss(0.3), 0.7));
        return losses;
    }

    @Test
    void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() {
        // Each side gets fresh instances, so stateful losses (bco_pair's running mean) start equal.
        List<PreferenceLoss> plain = everyLoss();
        List<PreferenceLoss> collected = everyLoss();
        for (int i = 0; i < plain.size(); i++) {
            assertArrayEquals(gradients(plain.get(i), false), gradients(collected.get(i), true), 0.0, plain.get(i).toString());
        }
    }

    /** The loss, pair losses, rewards and the gradients w.r.t. every input leaf; float64, 3 pairs. */
    private static double[] gradients(PreferenceLoss loss, boolean collectGarbage) {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> leaves = new ArrayList<>();
            LossInputs in = new LossInputs(
                    seq(manager, leaves, -3.25, -17.5, -0.75), seq(manager, leaves, -9.0, -2.5, -33.25),
                    seq(manager, null, -4.0, -15.0, -2.5), seq(manager, null, -8.5, -3.0, -30.0),
                    leaf(manager, leaves, 0.5, 1.25, 0.125), leaf(manager, leaves, 2.0, 0.25, 0.75),
                    seq(manager, leaves, -20.0, -31.5, -12.25));
            LossOutput output;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                output = loss.compute(in);
                if (collectGarbage) {
                    collectGarbage();
                }
                collector.backward(output.loss());
            }
            List<Double> out = new ArrayList<>();
            for (NDArray value : List.of(
                    output.loss().reshape(1), output.pairLosses(), output.chosenRewards(), output.rejectedRewards())) {
                for (double v : value.toType(DataType.FLOAT64, false).toDoubleArray()) {
                    out.add(v);
                }
            }
            for (NDArray leaf : leaves) {
                for (double g : leaf.getGradient().toType(DataType.FLOAT64, false).toDoubleArray()) {
                    out.add(g);
                }
            }
            return out.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** Sequence stats with 8 tokens per row; sum and mean are gradient leaves when {@code leaves} is given. */
    private static SequenceLogProbs seq(NDManager manager, List<NDArray> leaves, double... sums) {
        double[] means = new double[sums.length];
        double[] counts = new double[sums.length];
        for (int i = 0; i < sums.length; i++) {
            means[i] = sums[i] / 8;
            counts[i] = 8;
        }
        NDArray sum = manager.create(sums);
        NDArray mean = manager.create(means);
        if (leaves != null) {
            sum.setRequiresGradient(true);
            mean.setRequiresGradient(true);
            leaves.add(sum);
            leaves.add(mean);
        }
        return new SequenceLogProbs(sum, mean, manager.create(counts).toType(DataType.FLOAT64, false));
    }

    private static NDArray leaf(NDManager manager, List<NDArray> leaves, double... values) {
        NDArray array = manager.create(values);
        array.setRequiresGradient(true);
        leaves.add(array);
        return array;
    }

    private static void collectGarbage() {
        System.gc();
        try {
            Thread.sleep(30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < 1000; i++) {
            ByteBuffer.allocateDirect(16).putDouble(0, 777.0).putDouble(8, -777.0);
        }
    }
}
