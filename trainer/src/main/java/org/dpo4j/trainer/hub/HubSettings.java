package org.dpo4j.trainer.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.dpo4j.trainer.common.UserInputException;

/**
 * Where hub downloads go and come from, read once from the environment so that tests can pass
 * their own.
 *
 * <ul>
 *   <li>{@code DPO4J_CACHE}: the dpo4j cache root, default {@code ~/.cache/dpo4j}; hub models
 *       go under its {@code hub/} folder.
 *   <li>{@code HF_ENDPOINT}: the hub's base address, default {@code https://huggingface.co}
 *       (mirrors and enterprise hubs set it).
 *   <li>{@code HF_TOKEN}: sent as {@code Authorization: Bearer <token>} to the endpoint, for
 *       private and gated repositories.
 *   <li>{@code HF_HUB_OFFLINE}: {@code 1}, {@code true}, {@code yes} or {@code on} (any case)
 *       forbids network access; only complete cached models are used.
 * </ul>
 *
 * @param hubCache the folder holding one {@code <owner>--<name>/<revision>/} folder per model
 * @param endpoint the hub's base address, without a trailing {@code /}
 * @param token    the access token, or null for anonymous access
 * @param offline  whether downloading is forbidden
 */
public record HubSettings(Path hubCache, URI endpoint, String token, boolean offline) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private static final Set<String> TRUE_WORDS = Set.of("1", "true", "yes", "on");

    public HubSettings {
        Objects.requireNonNull(hubCache, "hubCache");
        Objects.requireNonNull(endpoint, "endpoint");
        if (token != null && token.isBlank()) {
            token = null;
        }
    }

    /** Reads the settings from this process's environment and home folder. */
    public static HubSettings fromSystem() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * @param env  environment variables (blank values count as unset)
     * @param home the user's home folder, for the default cache
     * @throws UserInputException when {@code HF_ENDPOINT} is not an http(s) address
     */
    public static HubSettings fromEnvironment(Map<String, String> env, Path home) {
        String cacheRoot = value(env, "DPO4J_CACHE");
        Path root = cacheRoot != null ? Path.of(cacheRoot) : home.resolve(".cache").resolve("dpo4j");
        String endpoint = value(env, "HF_ENDPOINT");
        String offline = value(env, "HF_HUB_OFFLINE");
        return new HubSettings(
                root.resolve("hub"),
                endpoint(endpoint != null ? endpoint : DEFAULT_ENDPOINT),
                value(env, "HF_TOKEN"),
                offline != null && TRUE_WORDS.contains(offline.toLowerCase(Locale.ROOT)));
    }

    private static URI endpoint(String text) {
        String trimmed = text.replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme();
            if (("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with the same message as any other unusable address
        }
        throw new UserInputException("HF_ENDPOINT: '" + text + "' is not an http(s) address like "
                + DEFAULT_ENDPOINT + "; unset it to use the public hub");
    }

    private static String value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
