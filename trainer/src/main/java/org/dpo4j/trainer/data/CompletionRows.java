package org.dpo4j.trainer.data;

import org.dpo4j.losses.Completions;

/**
 * Where each kind of record ({@link Completions}) puts its completions among a pair's rows, so that
 * the first two rows of every record are a pair and everything written for pairs (batches of
 * chosen then rejected rows, shared prompts, per-pair outputs) holds unchanged. Row slot s of pair
 * i is batch row s·B + i ({@link Batcher}).
 *
 * <pre>
 *   kind                     slot 0 (chosen)   slot 1 (rejected)   slots 2..
 *   pairs                    chosen            rejected            -
 *   rejected_and_samples     samples[0]        rejected            samples[1..K−1]   (D2O, S = K + 1)
 *   source_chosen_and_pairs  chosen            rejected            source_chosen     (WRPO, S = 3)
 * </pre>
 * D2O's samples are thus slots 0, 2, 3, ..., K; its {@code chosen} metrics ({@code logps/chosen})
 * are those of its first sample.
 */
public final class CompletionRows {

    /** The field of D2O's samples: a list of K completions, the same K in every record. */
    public static final String SAMPLES = "samples";

    /** The field of WRPO's source model's chosen completion. */
    public static final String SOURCE_CHOSEN = "source_chosen";

    private CompletionRows() {}

    /**
     * The row slots of D2O's K samples, in sample order.
     *
     * @param rows S = K + 1 rows per record
     */
    public static int[] sampleSlots(int rows) {
        int[] slots = new int[rows - 1];
        slots[0] = 0;
        for (int k = 1; k < slots.length; k++) {
            slots[k] = k + 1;
        }
        return slots;
    }

    /** WRPO's source chosen row slot. */
    public static int sourceChosenSlot() {
        return 2;
    }

    /** The fields a record of {@code kind} needs, for messages. */
    public static String fields(Completions kind, String prompt, String chosen, String rejected) {
        return switch (kind) {
            case PAIRS -> prompt + ", " + chosen + ", " + rejected;
            case REJECTED_AND_SAMPLES -> prompt + ", " + rejected + ", " + SAMPLES + " (a list of K completions)";
            case SOURCE_CHOSEN_AND_PAIRS -> prompt + ", " + SOURCE_CHOSEN + ", " + chosen + ", " + rejected;
        };
    }
}
