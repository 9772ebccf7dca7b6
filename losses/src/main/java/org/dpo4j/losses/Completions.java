package org.dpo4j.losses;

/**
 * Which completions of a prompt a loss reads, i.e. the data format it trains on.
 */
public enum Completions implements ConfigChoice {

    /** A chosen and a rejected completion (every pairwise loss): columns prompt, chosen, rejected. */
    PAIRS,

    /**
     * D2O: one dispreferred completion and K samples of the reference model
     * ({@link LossInputs#policyRejected} and {@link LossInputs#policySamples}): columns prompt,
     * rejected, samples.
     */
    REJECTED_AND_SAMPLES,

    /**
     * WRPO: a source model's chosen completion plus the target's pair
     * ({@link LossInputs#policySourceChosen}, {@link LossInputs#policyChosen},
     * {@link LossInputs#policyRejected}): columns prompt, source_chosen, chosen, rejected.
     */
    SOURCE_CHOSEN_AND_PAIRS
}
