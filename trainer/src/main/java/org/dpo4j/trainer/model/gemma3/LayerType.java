package org.dpo4j.trainer.model.gemma3;

import java.util.ArrayList;
import java.util.List;

/** The two kinds of Gemma 3 attention layer, by their {@code layer_types} names. */
public enum LayerType {
    /** Attends the window's last {@code sliding_window} slots, with the local rotary base. */
    SLIDING("sliding_attention"),
    /** Attends the whole causal context, with the global rotary base and scaling. */
    FULL("full_attention");

    private final String hfName;

    LayerType(String hfName) {
        this.hfName = hfName;
    }

    /** {@code sliding_attention} or {@code full_attention}. */
    public String hfName() {
        return hfName;
    }

    /** The type {@code name} names, or null. */
    static LayerType named(String name) {
        for (LayerType t : values()) {
            if (t.hfName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /**
     * The layers of the pattern transformers 4.50–4.52 derive from {@code sliding_window_pattern}
     * p: layer i is full iff (i + 1) % p == 0.
     */
    static List<LayerType> pattern(int layers, int period) {
        List<LayerType> types = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            types.add((i + 1) % period == 0 ? FULL : SLIDING);
        }
        return List.copyOf(types);
    }

    /**
     * The period p whose {@link #pattern} gives {@code types}, or 0 when none does (a list that
     * only {@code layer_types} can state).
     */
    static int period(List<LayerType> types) {
        for (int p = 1; p <= types.size() + 1; p++) {
            if (pattern(types.size(), p).equals(types)) {
                return p;
            }
        }
        return 0;
    }
}
