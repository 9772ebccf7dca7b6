package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * BCO (pairwise form) of Jung et al. 2024, "Binary Classifier Optimization for Large Language
 * Model Alignment" (arXiv 2404.04656): a binary classifier whose logit is the implicit reward,
 * chosen completions labelled 1 and rejected ones 0, with the rewards shifted by δ (TRL
 * {@code loss_type="bco_pair"}).
 *
 * <pre>
 *   a      = β·(log π(y_w|x) − log π_ref(y_w|x)),   c = β·(log π(y_l|x) − log π_ref(y_l|x))   (sums)
 *   loss   = −log σ(a − δ) − log σ(−(c − δ)) = softplus(δ − a) + softplus(c − δ)
 *   reward = a (chosen), c (rejected)                   (detached)
 * </pre>
 *
 * δ is a constant for the gradient:
 * <ul>
 *   <li>{@link BcoDelta#ZERO}: δ = 0 (TRL HEAD, the default).
 *   <li>{@link BcoDelta#RUNNING_MEAN}: the paper's reward shift, as TRL ≤ 0.28 computed it
 *       ({@code RunningMoments}): each call takes the batch mean m_k of the 2B detached values
 *       a_1..a_B, c_1..c_B and sets δ = (m_1 + … + m_k)/k, the running mean over all calls so
 *       far (each call weighted equally, whatever its B), used in that same call. The first call
 *       therefore uses δ = m_1.
 * </ul>
 *
 * <p><b>State.</b> With {@code RUNNING_MEAN} this is the one loss that is not stateless: an
 * instance keeps (mean, count) across calls, and every call updates it, evaluation calls included
 * (as in TRL); use separate instances for training and evaluation if that matters. The state,
 * {@code running_mean} and {@code calls}, is saved in training checkpoints ({@link StatefulLoss}),
 * so a resumed run goes on with the same δ. Updates are synchronised, and a non-finite batch mean
 * is not folded in. Reading m_k back to the host costs one device sync per
 * call. With {@code ZERO} the instance is stateless.
 */
public final class BcoPairLoss implements PreferenceLoss, StatefulLoss {

    /** How the reward shift δ is chosen; config values {@code zero} and {@code running_mean}. */
    public enum BcoDelta implements ConfigChoice {
        /** δ = 0 (TRL HEAD). */
        ZERO,
        /** δ = running mean over calls of the batch mean of the 2B detached rewards (TRL ≤ 0.28). */
        RUNNING_MEAN;

        /** The δ a config file names, exactly. */
        @JsonCreator
        public static BcoDelta fromConfig(String configName) {
            return ConfigChoice.parse(BcoDelta.class, configName);
        }
    }

    private final double beta;
    private final BcoDelta delta;
    private static final String RUNNING_MEAN_KEY = "running_mean";
    private static final String CALLS_KEY = "calls";

    private double runningMean;
    private long calls;

    /**
     * @param beta  β > 0 (TRL default 0.1)
     * @param delta how δ is chosen (default {@link BcoDelta#ZERO})
     */
    public BcoPairLoss(double beta, BcoDelta delta) {
        LossTerms.checkBeta(beta);
        if (delta == null) {
            throw new IllegalArgumentException("delta must be ZERO or RUNNING_MEAN, got null");
        }
        this.beta = beta;
        this.delta = delta;
    }

    /** β. */
    public double beta() {
        return beta;
    }

    /** How δ is chosen. */
    public BcoDelta delta() {
        return delta;
    }

    /** The δ the last call used (0 before the first call and always with {@link BcoDelta#ZERO}). */
    public synchronized double currentDelta() {
        return runningMean;
    }

    @Override
    public String name() {
        return "bco_pair";
    }

    /** This loss itself: its state is saved even with {@link BcoDelta#ZERO} (then always zero). */
    @Override
    public Optional<StatefulLoss> statefulPart() {
        return Optional.of(this);
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        NDArray a = r.chosenReward();
        NDArray c = r.rejectedReward();
        double shift = delta == BcoDelta.RUNNING_MEAN ? update(a, c) : 0;
        NDArray pairLosses = StableMath.softplus(a.sub(shift).neg()).add(StableMath.softplus(c.sub(shift)));
        return r.output(pairLosses);
    }

    /** Folds this batch's mean reward into the running mean and returns the new δ. */
    private double update(NDArray a, NDArray c) {
        double batchMean = a.concat(c).mean().stopGradient().toType(DataType.FLOAT64, false).getDouble();
        synchronized (this) {
            if (Double.isFinite(batchMean)) {
                calls++;
                runningMean += (batchMean - runningMean) / calls;
            }
            return runningMean;
        }
    }

    @Override
    public synchronized Map<String, Double> state() {
        Map<String, Double> state = new LinkedHashMap<>();
        state.put(RUNNING_MEAN_KEY, runningMean);
        state.put(CALLS_KEY, (double) calls);
        return state;
    }

    @Override
    public synchronized void restoreState(Map<String, Double> state) {
        Double mean = state.get(RUNNING_MEAN_KEY);
        Double count = state.get(CALLS_KEY);
        if (mean == null || count == null || !Double.isFinite(mean)
                || !(count >= 0) || count != Math.rint(count) || count >= 0x1p53) {
            throw new IllegalArgumentException("bco_pair state needs a finite " + RUNNING_MEAN_KEY
                    + " and a whole " + CALLS_KEY + " >= 0, got " + state);
        }
        runningMean = mean;
        calls = count.longValue();
    }

    @Override
    public String toString() {
        return "BcoPairLoss[beta=" + beta + ", delta=" + delta + "]";
    }
}
