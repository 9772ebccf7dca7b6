package org.dpo4j.trainer.data;

import java.util.List;
import org.dpo4j.losses.Completions;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.DataConfig;
import org.dpo4j.trainer.data.source.BadRecord;
import org.dpo4j.trainer.data.source.DataFiles;
import org.dpo4j.trainer.data.source.ReadResult;
import org.dpo4j.trainer.data.source.RecordReader;

/**
 * Resolves a {@code data.train} / {@code data.eval} value to preference examples: the bundled
 * set, or data files read ({@link RecordReader}) and parsed ({@link RecordParser}).
 */
final class DataSources {

    static final String BUILTIN_PREFIX = "builtin:";

    private DataSources() {}

    /** The examples read, and the records that could not be read or parsed, in file order. */
    record Loaded(List<PreferenceExample> examples, List<BadRecord> bad) {}

    /**
     * @param sources the config value: {@code builtin:NAME} alone, or paths
     * @param config  {@code data} (format and column names)
     * @param keyPath {@code data.train} or {@code data.eval}, for messages
     * @param kind    the completions each record has (the loss's)
     * @throws UserInputException for an unknown built-in set or an unusable file
     */
    static Loaded load(List<String> sources, DataConfig config, String keyPath, Completions kind) {
        if (sources.stream().anyMatch(s -> s.startsWith(BUILTIN_PREFIX))) {
            if (kind != Completions.PAIRS) {
                throw new UserInputException(keyPath + ": " + BUILTIN_PREFIX + TinyPrefs.NAME + " holds pairs, and this loss"
                        + " trains on " + kind.configName() + " records (" + CompletionRows.fields(kind, "prompt", "chosen",
                        "rejected") + "); give a data file (dpo4j generate --num-samples K --d2o writes D2O's)");
            }
            return new Loaded(List.copyOf(builtin(sources, keyPath)), List.of());
        }
        ReadResult read = RecordReader.readAll(DataFiles.resolve(sources, config.format(), keyPath));
        RecordParser.Parsed parsed = new RecordParser(config.columns().names(), kind).parseAll(read.records());
        List<BadRecord> bad = new java.util.ArrayList<>(read.bad());
        bad.addAll(parsed.bad());
        return new Loaded(parsed.examples(), bad);
    }

    private static List<PreferencePair> builtin(List<String> sources, String keyPath) {
        if (sources.size() != 1) {
            throw new UserInputException(keyPath + ": a built-in data set cannot be combined with other sources; give "
                    + BUILTIN_PREFIX + TinyPrefs.NAME + " alone");
        }
        String name = sources.get(0).substring(BUILTIN_PREFIX.length());
        java.util.Map<String, java.util.function.Supplier<List<PreferencePair>>> sets =
                java.util.Map.of(TinyPrefs.NAME, TinyPrefs::pairs, TinyPrefs.SFT_NAME, TinyPrefs::sftPairs);
        if (!sets.containsKey(name)) {
            throw new UserInputException(keyPath + ": unknown built-in dataset '" + name + "' (allowed: "
                    + BUILTIN_PREFIX + TinyPrefs.NAME + ", " + BUILTIN_PREFIX + TinyPrefs.SFT_NAME + ")");
        }
        return sets.get(name).get();
    }
}
