package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A weighted sum of preference losses, as TRL's {@code DPOTrainer} (1.x) combines a list of
 * {@code loss_type}s with {@code loss_weights}, e.g. MPO (Wang et al. 2024, "Enhancing the Reasoning
 * Ability of Multimodal Large Language Models via Mixed Preference Optimization", arXiv 2411.10442)
 * = sigmoid 0.8 + bco_pair 0.2 + sft 1.0.
 *
 * <pre>
 *   loss      = Σ_k w_k · loss_k              (each term's back-propagated scalar, its batch mean)
 *   losses[b] = Σ_k w_k · L_k[b]
 *   rewards   = the first term's               (not scaled by the weights, as TRL 1.x logs β·(pc − rc))
 * </pre>
 *
 * Requirements are the union of the terms' (one token divergence, one kind of completions per
 * batch); metrics are the terms' (the first term's value where two report the same name). At most
 * one term may carry state ({@link BcoPairLoss} with a running δ), which is saved as this loss's.
 *
 * @param terms the terms, at least one, each a loss and its weight
 */
public record CombinedLoss(List<Term> terms) implements PreferenceLoss {

    /**
     * One term of the sum.
     *
     * @param loss   the loss
     * @param weight its weight w_k, finite and ≥ 0
     */
    public record Term(PreferenceLoss loss, double weight) {

        public Term {
            Objects.requireNonNull(loss, "loss");
            LossTerms.checkNonNegative("weight", weight);
        }
    }

    public CombinedLoss {
        terms = List.copyOf(terms);
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("a combined loss needs at least one term");
        }
        union(terms); // fails now, not at the first batch, when the terms need different inputs
        if (terms.stream().filter(t -> t.loss().statefulPart().isPresent()).count() > 1) {
            throw new IllegalArgumentException("at most one term of a combined loss may carry state (bco_pair)");
        }
    }

    @Override
    public String name() {
        return "combined";
    }

    @Override
    public List<PreferenceLoss> inner() {
        return terms.stream().map(Term::loss).toList();
    }

    @Override
    public LossRequirements requirements() {
        return union(terms);
    }

    private static LossRequirements union(List<Term> terms) {
        LossRequirements needs = terms.get(0).loss().requirements();
        for (Term term : terms.subList(1, terms.size())) {
            needs = needs.union(term.loss().requirements());
        }
        return needs;
    }

    @Override
    public boolean pairLossesBelongToPairs() {
        return terms.stream().allMatch(t -> t.loss().pairLossesBelongToPairs());
    }

    @Override
    public Optional<StatefulLoss> statefulPart() {
        return terms.stream().map(t -> t.loss().statefulPart()).flatMap(Optional::stream).findFirst();
    }

    @Override
    public PreferenceLoss atStep(long step) {
        return new CombinedLoss(terms.stream().map(t -> new Term(t.loss().atStep(step), t.weight())).toList());
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LossOutput first = null;
        NDArray loss = null;
        NDArray pairLosses = null;
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        for (Term term : terms) {
            LossOutput out = term.loss().compute(in);
            NDArray scalar = Constants.times(out.loss(), term.weight());
            NDArray perPair = Constants.times(out.pairLosses(), term.weight());
            if (first == null) {
                first = out;
                loss = scalar;
                pairLosses = perPair;
            } else {
                loss = loss.add(scalar);
                pairLosses = pairLosses.add(perPair);
            }
            out.extraMetrics().forEach(metrics::putIfAbsent);
        }
        return new LossOutput(loss, pairLosses, first.chosenRewards(), first.rejectedRewards(), metrics);
    }
}
