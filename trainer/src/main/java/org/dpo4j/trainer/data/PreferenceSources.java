package org.dpo4j.trainer.data;

import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.UserInputException;

/** Resolves a {@code data.train} / {@code data.eval} value to pairs. */
public final class PreferenceSources {

    public static final String BUILTIN_PREFIX = "builtin:";

    private PreferenceSources() {}

    /**
     * @param source {@code builtin:tiny-prefs} or the path of a JSONL file
     * @param key    the config key the value came from, for error messages
     * @return the pairs
     */
    public static List<PreferencePair> load(String source, String key) {
        if (source.startsWith(BUILTIN_PREFIX)) {
            String name = source.substring(BUILTIN_PREFIX.length());
            if (!name.equals(TinyPrefs.NAME)) {
                throw new UserInputException(
                        key + ": unknown built-in dataset '" + name + "' (allowed: builtin:" + TinyPrefs.NAME + ")");
            }
            return TinyPrefs.pairs();
        }
        return JsonlPairReader.read(Path.of(source));
    }
}
