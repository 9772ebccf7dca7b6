package org.dpo4j.losses;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * The divergences a config can name ({@code loss.divergence}, {@code loss.token_divergence}),
 * each building its {@link Divergence}; the config name is the constant's name in lower case.
 * The order is the one error messages and {@code dpo4j config schema} list.
 *
 * <p>Divergences that break f-DPO's condition (see {@link Divergence}) are refused by name with
 * the reason: Pearson χ² ({@code chi_squared}, f'(u) = 2(u − 1) is defined at 0), total variation
 * ({@code total_variation}, f'(u) = sign(u − 1)/2 is not invertible) and squared Le Cam /
 * triangular discrimination ({@code le_cam}, f'(u) = 1 − 4/(1 + u)² is defined at 0).
 */
public enum DivergenceKind implements ConfigChoice {

    REVERSE_KL(alpha -> new ReverseKl()),
    FORWARD_KL(alpha -> new ForwardKl()),
    JS(alpha -> new JensenShannon()),
    ALPHA(AlphaDivergence::new),
    JEFFREYS(alpha -> new Jeffreys()),
    SQUARED_HELLINGER(alpha -> new SquaredHellinger()),
    NEYMAN_CHI_SQUARED(alpha -> new NeymanChiSquared());

    private static final String PEARSON = "Pearson chi-squared has f'(u) = 2(u - 1), which is defined at u = 0, so the"
            + " optimal policy has no closed-form reward (f-DPO needs 0 outside the domain of f')";
    private static final String LE_CAM = "the triangular (Le Cam) divergence has f'(u) = 1 - 4/(1 + u)^2, which is"
            + " defined at u = 0 (f-DPO needs 0 outside the domain of f')";

    /** Names of divergences that f-DPO cannot use, with the reason. */
    private static final Map<String, String> REFUSED = Map.of(
            "chi_squared", PEARSON,
            "pearson_chi_squared", PEARSON,
            "total_variation", "total variation has f'(u) = sign(u - 1)/2, which is not invertible (f-DPO needs an"
                    + " invertible f')",
            "le_cam", LE_CAM,
            "triangular", LE_CAM);

    private final DoubleFunction<Divergence> factory;

    DivergenceKind(DoubleFunction<Divergence> factory) {
        this.factory = factory;
    }

    /**
     * This divergence.
     *
     * @param alpha the paper's α, used by {@link #ALPHA} only (must then be finite and > 0)
     * @throws IllegalArgumentException for a bad α
     */
    public Divergence create(double alpha) {
        return factory.apply(alpha);
    }

    /**
     * The divergence a config names.
     *
     * @param name the config name, e.g. {@code js}
     * @throws IllegalArgumentException for a divergence that does not meet f-DPO's condition
     *     (saying why) or for an unknown name, listing the allowed ones
     */
    @JsonCreator
    public static DivergenceKind named(String name) {
        String allowed = "; allowed: " + String.join(", ", ConfigChoice.configNames(DivergenceKind.class));
        if (name == null) {
            throw new IllegalArgumentException("no divergence given" + allowed);
        }
        for (DivergenceKind kind : values()) {
            if (kind.configName().equals(name)) {
                return kind;
            }
        }
        String why = REFUSED.get(name);
        if (why != null) {
            throw new IllegalArgumentException("divergence '" + name + "' cannot be used with f-DPO: " + why + allowed);
        }
        throw new IllegalArgumentException("unknown divergence '" + name + "'" + allowed);
    }
}
