package org.dpo4j.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a model rescales its rotary frequencies ({@code rope_scaling} / {@code rope_parameters}
 * in {@code config.json}): a closed set, one record per {@code rope_type} dpo4j implements.
 * Each starts from the plain frequencies inv_freq[i] = θ^(−2i/D), i &lt; D/2, and none scales
 * cos/sin (attention factor 1).
 */
public sealed interface RopeScaling {

    /** The {@code rope_type}s implemented, as messages list them. */
    List<String> TYPES = List.of("default", "linear", "llama3");

    /** {@code rope_type} as {@code config.json} spells it. */
    String type();

    /** The scaled frequency of each plain frequency {@code invFreq}, in place. */
    void rescale(double[] invFreq);

    /**
     * The {@code rope_scaling} object of {@code config.json}: null for {@link Plain}, else
     * {@code rope_type} and this type's keys.
     */
    Map<String, Object> toHfJson();

    /** No scaling: {@code rope_scaling} null, absent or of type {@code default}. */
    record Plain() implements RopeScaling {
        @Override
        public String type() {
            return "default";
        }

        @Override
        public void rescale(double[] invFreq) {
            // plain RoPE keeps every frequency
        }

        @Override
        public Map<String, Object> toHfJson() {
            return null;
        }
    }

    /**
     * {@code linear} (position interpolation): inv_freq[i] / factor, the same as dividing every
     * position by the factor.
     *
     * @param factor &gt; 0
     */
    record Linear(double factor) implements RopeScaling {
        @Override
        public String type() {
            return "linear";
        }

        @Override
        public void rescale(double[] invFreq) {
            for (int i = 0; i < invFreq.length; i++) {
                invFreq[i] /= factor;
            }
        }

        @Override
        public Map<String, Object> toHfJson() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("rope_type", type());
            c.put("factor", factor);
            return c;
        }
    }

    /**
     * {@code llama3} (Llama 3.1/3.2): with wavelen = 2π / inv_freq[i], low_wl = L / low and
     * high_wl = L / high (L = {@code original_max_position_embeddings}):
     * <pre>
     *   wavelen &lt; high_wl:            inv_freq[i]                              (high frequencies kept)
     *   wavelen &gt; low_wl:             inv_freq[i] / factor                     (low frequencies interpolated)
     *   otherwise, s = (L / wavelen − low) / (high − low):
     *                                  (1 − s)·inv_freq[i] / factor + s·inv_freq[i]
     * </pre>
     *
     * @param factor                        the interpolation factor of the low band
     * @param lowFreqFactor                 {@code low_freq_factor}
     * @param highFreqFactor                {@code high_freq_factor} (&gt; low)
     * @param originalMaxPositionEmbeddings L
     */
    record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings)
            implements RopeScaling {
        @Override
        public String type() {
            return "llama3";
        }

        @Override
        public void rescale(double[] invFreq) {
            double lowWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
            double highWavelen = originalMaxPositionEmbeddings / highFreqFactor;
            for (int i = 0; i < invFreq.length; i++) {
                double wavelen = 2 * Math.PI / invFreq[i];
                if (wavelen > lowWavelen) {
                    invFreq[i] /= factor;
                } else if (wavelen >= highWavelen) {
                    double s = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    invFreq[i] = (1 - s) * invFreq[i] / factor + s * invFreq[i];
                }
            }
        }

        @Override
        public Map<String, Object> toHfJson() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("rope_type", type());
            c.put("factor", factor);
            c.put("low_freq_factor", lowFreqFactor);
            c.put("high_freq_factor", highFreqFactor);
            c.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
            return c;
        }
    }

    /**
     * The scaling a {@code rope_scaling} (or transformers 5 {@code rope_parameters}) object
     * names: its {@code rope_type}, or the legacy key {@code type}; null, absent or
     * {@code default} is {@link Plain}.
     *
     * @param json  the file, for messages
     * @param key   where {@code node} sits, e.g. {@code rope_scaling}, for messages
     * @param node  the object, or a null or missing node
     * @throws org.dpo4j.trainer.common.UserInputException naming the key for another type or a
     *     missing or invalid factor
     */
    static RopeScaling read(HfConfigJson json, String key, JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new Plain();
        }
        if (!node.isObject()) {
            throw json.fail(key + " must be an object or null, found " + node);
        }
        String type = node.path("rope_type").asText(node.path("type").asText("default"));
        return switch (type) {
            case "default" -> new Plain();
            case "linear" -> new Linear(positive(json, key, node, "factor"));
            case "llama3" -> {
                double low = positive(json, key, node, "low_freq_factor");
                double high = positive(json, key, node, "high_freq_factor");
                if (high <= low) {
                    throw json.fail(key + ".high_freq_factor " + high + " must exceed low_freq_factor " + low);
                }
                yield new Llama3(positive(json, key, node, "factor"), low, high,
                        (int) positive(json, key, node, "original_max_position_embeddings"));
            }
            default -> throw json.fail(key + " type '" + type + "' is not supported; one of " + TYPES);
        };
    }

    private static double positive(HfConfigJson json, String key, JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isNumber() || value.asDouble() <= 0) {
            throw json.fail(key + " (rope_type " + node.path("rope_type").asText(node.path("type").asText())
                    + ") needs a positive number " + field + ", found " + (value.isMissingNode() ? "none" : value));
        }
        return value.asDouble();
    }
}
