package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.losses.LossInputs;
import org.dpo4j.losses.LossOutput;
import org.dpo4j.trainer.checkpoint.AtomicFiles;

/**
 * {@code RUN/eval/step-N.jsonl}: one JSON object per held-out pair of the evaluation after step N,
 * in evaluation order. Fields, in this order, each present only when the loss has it:
 *
 * <ul>
 *   <li>{@code pair_id};
 *   <li>{@code chosen_reward}, {@code rejected_reward}, {@code margin} (chosen − rejected): the
 *       loss's implicit rewards, whose means are {@code eval/rewards/*};
 *   <li>{@code chosen_logp}, {@code rejected_logp}: the policy's sequence log-probs (sums over
 *       the completion);
 *   <li>{@code ref_chosen_logp}, {@code ref_rejected_logp}: the reference's, for losses with a
 *       reference;
 *   <li>{@code chosen_kl}, {@code rejected_kl}: Σ_t of the per-token divergence (TDPO's sequence
 *       KL), for losses that compute it;
 *   <li>{@code source_chosen_logp}, {@code ref_source_chosen_logp}: WRPO's source chosen completion;
 *   <li>{@code samples_logp}, {@code ref_samples_logp}: D2O's K samples, a list each (the first
 *       sample is also {@code chosen_logp}, as its row stands as the pair's chosen one);
 *   <li>{@code loss}: the pair's loss, for losses whose per-pair terms belong to pairs (not AOT's,
 *       which are by rank); batch-level terms such as an NLL are not in it.
 * </ul>
 *
 * Float32 values are written as float32 (the shortest decimal that reads back to the same
 * float). Each file is written through a temporary name and renamed.
 */
public final class PairResultsWriter {

    public static final String FOLDER = "eval";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final boolean pairLosses;

    /**
     * @param directory  {@code RUN/eval}, created on the first write
     * @param pairLosses whether to write {@code loss} (the loss's per-pair terms belong to pairs)
     */
    public PairResultsWriter(Path directory, boolean pairLosses) {
        this.directory = directory;
        this.pairLosses = pairLosses;
    }

    /** The file of the evaluation after {@code step}. */
    Path file(int step) {
        return directory.resolve("step-" + step + ".jsonl");
    }

    /**
     * The lines of one scored batch.
     *
     * @param pairIds the batch's B pair ids
     * @param scored  its scores
     */
    List<Map<String, Object>> rows(List<String> pairIds, PreferenceScorer.Scored scored) {
        LossInputs in = scored.inputs();
        LossOutput out = scored.output();
        Map<String, Object[]> columns = new LinkedHashMap<>();
        columns.put("chosen_reward", values(out.chosenRewards()));
        columns.put("rejected_reward", values(out.rejectedRewards()));
        columns.put("margin", values(out.chosenRewards().sub(out.rejectedRewards())));
        columns.put("chosen_logp", values(in.policyChosen().sum()));
        columns.put("rejected_logp", values(in.policyRejected().sum()));
        if (in.referenceChosen() != null) {
            columns.put("ref_chosen_logp", values(in.referenceChosen().sum()));
            columns.put("ref_rejected_logp", values(in.referenceRejected().sum()));
        }
        if (in.chosenTokenKl() != null) {
            columns.put("chosen_kl", values(in.chosenTokenKl()));
            columns.put("rejected_kl", values(in.rejectedTokenKl()));
        }
        if (in.policySourceChosen() != null) {
            columns.put("source_chosen_logp", values(in.policySourceChosen().sum()));
            if (in.referenceSourceChosen() != null) {
                columns.put("ref_source_chosen_logp", values(in.referenceSourceChosen().sum()));
            }
        }
        if (in.policySamples() != null) {
            columns.put("samples_logp", lists(in.policySamples().sum()));
            if (in.referenceSamples() != null) {
                columns.put("ref_samples_logp", lists(in.referenceSamples().sum()));
            }
        }
        if (pairLosses) {
            columns.put("loss", values(out.pairLosses()));
        }
        List<Map<String, Object>> rows = new ArrayList<>(pairIds.size());
        for (int i = 0; i < pairIds.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pair_id", pairIds.get(i));
            for (Map.Entry<String, Object[]> c : columns.entrySet()) {
                row.put(c.getKey(), c.getValue()[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** Writes the file of {@code step}, replacing an earlier one (atomically). */
    void write(int step, List<Map<String, Object>> rows) {
        write(file(step), rows);
    }

    /** Writes {@code rows} to {@code file}, replacing an earlier one (atomically). */
    void write(Path file, List<Map<String, Object>> rows) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            StringBuilder text = new StringBuilder();
            for (Map<String, Object> row : rows) {
                text.append(JSON.writeValueAsString(row)).append('\n');
            }
            AtomicFiles.write(file, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** (B, K) values as B lists of K boxed values. */
    private static Object[] lists(NDArray array) {
        long b = array.getShape().get(0);
        Object[] rows = new Object[Math.toIntExact(b)];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = List.of(values(array.get(i)));
        }
        return rows;
    }

    /** (B) values, detached, as boxed floats (float32 arrays) or doubles. */
    private static Object[] values(NDArray array) {
        NDArray detached = array.stopGradient();
        if (detached.getDataType() == DataType.FLOAT32) {
            float[] v = detached.toFloatArray();
            Object[] boxed = new Object[v.length];
            for (int i = 0; i < v.length; i++) {
                boxed[i] = v[i];
            }
            return boxed;
        }
        double[] v = detached.toType(DataType.FLOAT64, false).toDoubleArray();
        Object[] boxed = new Object[v.length];
        for (int i = 0; i < v.length; i++) {
            boxed[i] = v[i];
        }
        return boxed;
    }
}
