package org.dpo4j.trainer.data;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.source.BadRecord;

/**
 * {@code data.on_bad_record}: stop at the first bad record ({@code error}, the default), or skip
 * bad records and count them by reason ({@code skip}).
 */
public final class BadRecords {

    private final boolean skip;
    private final Map<String, Integer> counts = new TreeMap<>();

    public BadRecords(boolean skip) {
        this.skip = skip;
    }

    /**
     * Accounts for {@code bad}.
     *
     * @throws UserInputException {@code where: what is wrong} for the first of them, unless skipping
     */
    public void handle(List<BadRecord> bad) {
        if (bad.isEmpty()) {
            return;
        }
        if (!skip) {
            throw new UserInputException(bad.get(0).line()
                    + (bad.size() > 1 ? " (and " + (bad.size() - 1) + " more bad record(s); " : " (")
                    + "data.on_bad_record: skip skips and counts them)");
        }
        for (BadRecord record : bad) {
            counts.merge(record.reason().key(), 1, Integer::sum);
        }
    }

    /** Skipped records by reason key. */
    public Map<String, Integer> counts() {
        return Map.copyOf(counts);
    }
}
