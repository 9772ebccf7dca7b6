package org.dpo4j.trainer.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.Map;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * TR-DPO's reference update (Gorbatovski et al. 2024, "Learn Your Reference Model for Real Good
 * Alignment", arXiv 2404.09656, §3: the soft update with weight α, and the hard update, α = 1; TRL's
 * {@code sync_ref_model} with {@code ref_model_mixup_alpha} and {@code ref_model_sync_steps}): every
 * {@code every} optimizer steps, in place,
 *
 * <pre>
 *   θ_ref ← α·θ + (1 − α)·θ_ref
 * </pre>
 *
 * α = 1 copies the policy exactly (the hard update). As TRL's {@code SyncRefModelCallback}, the
 * update runs after the optimizer step whose 1-based number is a multiple of {@code every}, so
 * the evaluation at that step already sees the new reference. Outside any gradient collector;
 * each update's temporaries are freed with its own scope.
 */
public final class ReferenceSync {

    private static final NDIndex ALL = new NDIndex("...");

    private final ModelWeights policy;
    private final ModelWeights reference;
    private final int every;
    private final double alpha;
    private int updates;

    /**
     * @param policy    the trained weights (read)
     * @param reference the reference's own copy (updated in place), with the policy's tensor
     *                  names and shapes
     * @param every     optimizer steps between updates, ≥ 1
     * @param alpha     α in (0, 1]
     * @throws IllegalArgumentException when the two models' tensors differ in names or shapes
     */
    public ReferenceSync(ModelWeights policy, ModelWeights reference, int every, double alpha) {
        if (every < 1 || !(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("every must be >= 1 and alpha in (0, 1], got " + every + ", " + alpha);
        }
        String mismatch = mismatch(policy, reference);
        if (mismatch != null) {
            throw new IllegalArgumentException(mismatch);
        }
        this.policy = policy;
        this.reference = reference;
        this.every = every;
        this.alpha = alpha;
    }

    /**
     * Where the tensors of {@code a} and {@code b} differ (a name missing on one side, or a
     * shape), or null when they have the same names and shapes; the same storage is refused too.
     */
    public static String mismatch(ModelWeights a, ModelWeights b) {
        Map<String, NDArray> x = a.all();
        Map<String, NDArray> y = b.all();
        if (!x.keySet().equals(y.keySet())) {
            return "the models' tensor names differ (" + x.size() + " vs " + y.size() + " tensors)";
        }
        for (Map.Entry<String, NDArray> e : x.entrySet()) {
            NDArray other = y.get(e.getKey());
            if (other == e.getValue()) {
                return "the reference shares its tensors with the policy; it must be a separate copy";
            }
            if (!other.getShape().equals(e.getValue().getShape())) {
                return e.getKey() + " has shape " + e.getValue().getShape() + " in one model and " + other.getShape()
                        + " in the other";
            }
        }
        return null;
    }

    /**
     * Called after every optimizer step; updates the reference when {@code step} is a multiple
     * of {@code every}.
     *
     * @param step optimizer steps completed (1-based)
     * @return whether the reference was updated
     */
    public boolean afterStep(int step) {
        if (step % every != 0) {
            return false;
        }
        update();
        return true;
    }

    /** Reference updates so far. */
    public int updates() {
        return updates;
    }

    /** θ_ref ← α·θ + (1 − α)·θ_ref, now. */
    void update() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : reference.all().entrySet()) {
                NDArray theta = policy.get(e.getKey()).stopGradient();
                NDArray ref = e.getValue();
                if (alpha == 1.0) {
                    ref.set(ALL, theta); // an exact copy, in place, without a trip through Java memory
                } else {
                    // in place on a tensor that has no gradient: no autograd node holds these scalars
                    ref.muli(1 - alpha).addi(theta.mul(alpha));
                }
            }
        }
        updates++;
    }
}
