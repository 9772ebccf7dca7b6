package org.dpo4j.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The rotary embedding of one attention layer: its base θ and its frequency scaling.
 *
 * @param theta   the base θ ({@code rope_theta})
 * @param scaling how the plain frequencies are rescaled
 */
public record Rope(double theta, RopeScaling scaling) {

    /** Plain RoPE of base {@code theta}. */
    public static Rope plain(double theta) {
        return new Rope(theta, new RopeScaling.Plain());
    }

    /**
     * inv_freq[i] = θ^(−2i/D) for i &lt; D/2, then rescaled: in double, so that only the final
     * cos/sin are rounded to float32.
     */
    public double[] inverseFrequencies(int headDim) {
        double[] invFreq = new double[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = Math.pow(theta, -2.0 * i / headDim);
        }
        scaling.rescale(invFreq);
        return invFreq;
    }

    /**
     * The rotary embedding a {@code config.json} gives its (full-attention) layers: transformers
     * 5's {@code rope_parameters} (a {@code rope_type}, {@code rope_theta} and the scaling keys;
     * for per-layer-type models keyed by layer type, whose {@code layerType} entry is read) when
     * present, else {@code rope_theta} and {@code rope_scaling}.
     *
     * @param layerType    the entry of a per-layer-type {@code rope_parameters} to read, e.g.
     *                     {@code full_attention}
     * @param defaultTheta the family's {@code rope_theta} default
     */
    public static Rope read(HfConfigJson json, String layerType, double defaultTheta) {
        JsonNode parameters = json.node("rope_parameters");
        if (parameters.isObject()) {
            String key = "rope_parameters";
            JsonNode own = parameters.path(layerType);
            if (own.isObject()) {
                parameters = own;
                key += "." + layerType;
            }
            JsonNode theta = parameters.path("rope_theta");
            if (!theta.isMissingNode() && !theta.isNull() && (!theta.isNumber() || theta.asDouble() <= 0)) {
                throw json.fail(key + ".rope_theta must be a positive number, found " + theta);
            }
            double base = theta.isNumber() ? theta.asDouble() : json.number("rope_theta", defaultTheta);
            return new Rope(base, RopeScaling.read(json, key, parameters));
        }
        return new Rope(json.number("rope_theta", defaultTheta), RopeScaling.read(json, "rope_scaling", json.node("rope_scaling")));
    }
}
