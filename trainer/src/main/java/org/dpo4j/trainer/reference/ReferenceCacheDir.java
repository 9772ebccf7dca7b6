package org.dpo4j.trainer.reference;

import java.nio.file.Path;
import java.util.Map;

/**
 * The folder of reference log-prob caches: {@code $DPO4J_CACHE/reference/}, default
 * {@code ~/.cache/dpo4j/reference/} (the same root as hub downloads). Caches are shared by runs,
 * which is why they are not in a run directory: a sweep over loss settings computes them once.
 */
public final class ReferenceCacheDir {

    private ReferenceCacheDir() {}

    /** From this process's environment and home folder. */
    public static Path fromSystem() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * @param env  environment variables; a blank {@code DPO4J_CACHE} counts as unset
     * @param home the user's home folder
     */
    public static Path fromEnvironment(Map<String, String> env, Path home) {
        String root = env.get("DPO4J_CACHE");
        Path cacheRoot = root == null || root.isBlank() ? home.resolve(".cache").resolve("dpo4j") : Path.of(root.trim());
        return cacheRoot.resolve("reference");
    }
}
