package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares computed arrays with golden JSON values at a {@link Precision}'s tolerances and collects
 * every mismatch, so that one failing case reports all that is wrong with it.
 */
final class Closeness {

    private final Precision precision;
    private final List<String> mismatches = new ArrayList<>();

    Closeness(Precision precision) {
        this.precision = precision;
    }

    /** A value (loss, reward, log-prob): {@code |a − e| ≤ rel·|e| + abs}. */
    void values(String what, NDArray actual, JsonNode expected) {
        compare(what, actual, expected, precision.valueRel, precision.valueAbs);
    }

    /** A gradient: {@code |a − e| ≤ rel·|e| + abs·max(1, max|e| of the tensor)}. */
    void gradient(String what, NDArray actual, JsonNode expected) {
        double scale = 1;
        for (double e : GoldenVectors.doubles(expected)) {
            scale = Math.max(scale, Math.abs(e));
        }
        compare(what, actual, expected, precision.gradRel, precision.gradAbs * scale);
    }

    /** Fails with every mismatch found so far, if any. */
    void assertNone(String context) {
        if (!mismatches.isEmpty()) {
            fail(context + " (" + precision + "): " + mismatches.size() + " mismatch(es)\n  "
                    + String.join("\n  ", mismatches));
        }
    }

    private void compare(String what, NDArray actualArray, JsonNode expectedNode, double rel, double abs) {
        Shape expectedShape = GoldenVectors.shapeOf(expectedNode);
        if (!actualArray.getShape().equals(expectedShape)) {
            mismatches.add(what + ": shape " + actualArray.getShape() + ", expected " + expectedShape);
            return;
        }
        double[] actual = actualArray.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] expected = GoldenVectors.doubles(expectedNode);
        int bad = 0;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double tol = rel * Math.abs(expected[i]) + abs;
            double diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= tol)) { // NaN fails too
                bad++;
                double excess = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / tol;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (bad > 0) {
            double tol = rel * Math.abs(expected[worst]) + abs;
            mismatches.add(String.format(
                    "%s: %d of %d entries off; worst flat index %d: actual %.17g, expected %.17g, |diff| %.3g > tol %.3g",
                    what, bad, expected.length, worst, actual[worst], expected[worst],
                    Math.abs(actual[worst] - expected[worst]), tol));
        }
    }
}
