package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Supervised fine-tuning on the chosen completions: the token-mean negative log-likelihood of the
 * batch's chosen completion tokens, e.g. before preference training. No reference model.
 *
 * <pre>
 *   NLL   = −Σ_b pc_b / Σ_b n_b            pc_b = summed log-prob of chosen completion b, n_b its tokens
 *   pair loss_b = NLL                      (the batch value for every pair, as TRL 1.x's per-sequence sft loss)
 *   loss  = NLL
 *   rewards = mean log-probs pc_b/n_b and pr_b/n_b of the policy   (detached)
 * </pre>
 *
 * The NLL is the batch's token mean (TRL's {@code loss_type="sft"} and its RPO term, the DPO
 * reference code's SFT loss), not a mean of per-row means, so long completions weigh more. SFT has
 * no implicit reward; the rewards reported are the policy's per-token mean log-probs, so that
 * {@code rewards/margins} and {@code rewards/accuracies} show whether the policy prefers the chosen
 * completion per token. The rejected log-probs get no gradient. A batch with no completion token
 * has NLL 0. The NLL is also reported as the metric {@code nll_loss}. Under LD-DPO it reads the
 * unweighted log-probs ({@link LossInputs#chosenForNll}).
 */
public record SftLoss() implements PreferenceLoss {

    @Override
    public String name() {
        return "sft";
    }

    @Override
    public LossRequirements requirements() {
        return LossRequirements.POLICY_ONLY;
    }

    /** The per-pair losses are the batch NLL repeated, not a pair's own. */
    @Override
    public boolean pairLossesBelongToPairs() {
        return false;
    }

    @Override
    public LossOutput compute(LossInputs in) {
        SequenceLogProbs chosen = in.chosenForNll();
        NDArray nll = nll(chosen);
        NDArray pairLosses = chosen.sum().zerosLike().add(nll);
        return new LossOutput(
                nll,
                pairLosses,
                in.policyChosen().mean().stopGradient(),
                in.policyRejected().mean().stopGradient(),
                Map.of("nll_loss", pairLosses.stopGradient()));
    }

    /**
     * −Σ_b sum_b / max(Σ_b count_b, 1): the token-mean NLL of the given rows, shape ().
     *
     * @param logProbs sequence log-probs of the rows (their sums carry the gradient)
     * @return the scalar NLL
     */
    static NDArray nll(SequenceLogProbs logProbs) {
        return logProbs.sum().sum().neg().div(logProbs.tokenCount().sum().maximum(1));
    }
}
