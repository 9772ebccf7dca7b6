package org.dpo4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

public class DidYouMeanTest {

    @Test
    void distanceCountsEditsAndNeighbourSwaps() {
        assertEquals(0, DidYouMean.distance("beta", "beta"));
        assertEquals(1, DidYouMean.distance("bta", "beta"));      // one insertion
        assertEquals(1, DidYouMean.distance("modle", "model"));   // one swap of neighbours
        assertEquals(2, DidYouMean.distance("f64", "f32"));       // two substitutions
        assertEquals(4, DidYouMean.distance("", "loss"));
    }

    @Test
    void closestIsTheNearestCloseCandidate() {
        List<String> keys = List.of("type", "beta", "label_smoothing", "rpo_alpha");
        assertEquals(Optional.of("beta"), DidYouMean.closest("bta", keys));
        assertEquals(Optional.of("label_smoothing"), DidYouMean.closest("labelSmoothing", keys));
        assertEquals(Optional.of("rpo_alpha"), DidYouMean.closest("rpo-alpha", keys));
        assertEquals(Optional.empty(), DidYouMean.closest("temperature", keys));
        assertEquals(Optional.empty(), DidYouMean.closest("f64", List.of("f32", "bf16", "f16")));
        assertEquals(Optional.of("optim"), DidYouMean.closest("optimizer", List.of("model", "optim", "output")));
    }
}
