package org.dpo4j.trainer.hub;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.dpo4j.trainer.common.UserInputException;

/**
 * Turns a {@link HubReference} into a local Hugging Face model folder, downloading what a causal
 * language model needs into the cache ({@link HubSettings}) the first time.
 *
 * <p>Files, from {@code {endpoint}/{owner}/{name}/resolve/{revision}/{file}}:
 * <ul>
 *   <li>{@code config.json} and {@code tokenizer.json}: required;
 *   <li>{@code generation_config.json}, {@code tokenizer_config.json},
 *       {@code special_tokens_map.json}: optional, a 404 means the repository has none;
 *   <li>weights: {@code model.safetensors.index.json} and every shard its {@code weight_map}
 *       names, or else {@code model.safetensors}.
 * </ul>
 *
 * <p>A file already in the cache is not fetched again, so an interrupted download resumes at the
 * file it stopped in. Once all are in place the cache's {@code .complete} marker is written;
 * from then on {@link #resolve} makes no network access at all, so later runs work offline.
 * A cached revision is never refreshed: a moving branch like {@code main} stays as first
 * downloaded until its folder is deleted (or pin a commit hash as the revision).
 */
public final class HubDownloader {

    static final String CONFIG = "config.json";
    static final String TOKENIZER = "tokenizer.json";
    static final String SINGLE_WEIGHTS = "model.safetensors";
    static final List<String> OPTIONAL_FILES =
            List.of("generation_config.json", "tokenizer_config.json", "special_tokens_map.json");

    /** Ends every download error: the way around the hub that always exists. */
    private static final String LOCAL_FOLDER_ADVICE =
            " to work without the hub, put the model files in a local folder and give its path instead of the hf:// one";

    private final HubSettings settings;
    private final HubCache cache;
    private final HubFetcher fetcher;
    private final Consumer<String> progress;

    /**
     * @param settings where to download from and to
     * @param client   the HTTP client; it should not follow redirects itself (the
     *                 {@link HttpClient} default), since this class does, sending the token to the
     *                 endpoint's origin only
     * @param progress receives one line per file: its name and size
     */
    public HubDownloader(HubSettings settings, HttpClient client, Consumer<String> progress) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cache = new HubCache(settings.hubCache());
        this.fetcher = new HubFetcher(Objects.requireNonNull(client, "client"), settings.endpoint(), settings.token());
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** A downloader configured from this process's environment, printing progress to {@code out}. */
    public static HubDownloader fromSystem(PrintStream out) {
        return new HubDownloader(HubSettings.fromSystem(), HubFetcher.defaultClient(), out::println);
    }

    /** The cache folder of {@code ref}, whether or not anything is downloaded there yet. */
    public Path cacheFolder(HubReference ref) {
        return cache.folder(ref);
    }

    /**
     * @return the local folder holding the model's files
     * @throws UserInputException one line: a required file or the weights are missing, a
     *                            download failed (naming the URL and status), or the model is not
     *                            cached while {@code HF_HUB_OFFLINE} is set
     */
    public Path resolve(HubReference ref) {
        Path folder = cache.folder(ref);
        if (cache.isComplete(folder)) {
            return folder;
        }
        if (settings.offline()) {
            throw new UserInputException(ref + ": not in the cache (no complete download in " + folder
                    + ") and HF_HUB_OFFLINE forbids downloading; unset HF_HUB_OFFLINE to download it once, or"
                    + LOCAL_FOLDER_ADVICE);
        }
        try {
            Files.createDirectories(folder);
            cache.sweepStaleParts(folder);
        } catch (IOException e) {
            throw new UserInputException(folder + ": cannot create the cache folder (" + HubFetcher.describe(e)
                    + "); set DPO4J_CACHE to a writable folder");
        }
        List<String> files = new ArrayList<>();
        required(ref, folder, CONFIG, files, "check the repository name and revision");
        required(ref, folder, TOKENIZER, files, "dpo4j needs the fast-tokenizer file");
        for (String file : OPTIONAL_FILES) {
            fetchIfPresent(ref, folder, file, files);
        }
        if (fetchIfPresent(ref, folder, ShardIndex.FILE_NAME, files)) {
            for (String shard : shardFiles(folder.resolve(ShardIndex.FILE_NAME))) {
                required(ref, folder, shard, files, ShardIndex.FILE_NAME + " names it");
            }
        } else if (!fetchIfPresent(ref, folder, SINGLE_WEIGHTS, files)) {
            throw new UserInputException(ref + ": the repository has no safetensors weights (neither "
                    + ShardIndex.FILE_NAME + " nor " + SINGLE_WEIGHTS + " at " + url(ref, "") + ");" + LOCAL_FOLDER_ADVICE);
        }
        try {
            cache.markComplete(folder, ref, files);
        } catch (IOException e) {
            throw new UserInputException(folder + ": cannot write " + HubCache.MARKER + " (" + HubFetcher.describe(e)
                    + "); set DPO4J_CACHE to a writable folder");
        }
        return folder;
    }

    /** Puts {@code file} in the cache, failing with {@code why} it is needed when the hub has none. */
    private void required(HubReference ref, Path folder, String file, List<String> files, String why) {
        if (!fetchIfPresent(ref, folder, file, files)) {
            throw new UserInputException(ref + ": " + file + " not found (HTTP 404 at " + url(ref, file) + "); "
                    + why + ";" + LOCAL_FOLDER_ADVICE);
        }
    }

    /** The index's shards; an unusable index leaves the cache, so a run after the hub fixes it fetches it anew. */
    private static List<String> shardFiles(Path index) {
        try {
            return ShardIndex.shardFiles(index);
        } catch (UserInputException e) {
            try {
                Files.deleteIfExists(index);
            } catch (IOException ignored) {
                // the error below is what matters; a stale index is reported again next run
            }
            throw e;
        }
    }

    /** Puts {@code file} in the cache unless it is there; false when the hub has no such file. */
    private boolean fetchIfPresent(HubReference ref, Path folder, String file, List<String> files) {
        Path target = folder.resolve(file);
        if (Files.isRegularFile(target)) {
            progress.accept(ref + ": " + file + " already cached (" + size(sizeOf(target)) + ")");
            files.add(file);
            return true;
        }
        OptionalLong size;
        try {
            size = fetcher.fetch(url(ref, file), target,
                    expected -> progress.accept(ref + ": downloading " + file + " (" + size(expected) + ")"));
        } catch (FetchFailure e) {
            throw new UserInputException(ref + ": cannot download " + e.getMessage() + hint(e.status()) + ";"
                    + LOCAL_FOLDER_ADVICE, e);
        }
        if (size.isPresent()) {
            files.add(file);
        }
        return size.isPresent();
    }

    /** {@code {endpoint}/{owner}/{name}/resolve/{revision}/{file}}. */
    URI url(HubReference ref, String file) {
        return URI.create(settings.endpoint() + "/" + ref.owner() + "/" + ref.name() + "/resolve/"
                + ref.encodedRevision() + "/" + file);
    }

    /** What a status usually means on the hub, so the user knows what to change. */
    private String hint(int status) {
        if (status == 401) {
            return settings.token() == null
                    ? "; the repository does not exist, or is private or gated: set HF_TOKEN to a token with access"
                    : "; the repository does not exist, or HF_TOKEN was refused";
        }
        if (status == 403) {
            return "; access denied: a gated repository needs its terms accepted on the hub by the owner of HF_TOKEN";
        }
        if (status == 429) {
            return "; rate limited by the hub: wait and run again";
        }
        if (status >= 500) {
            return "; the hub failed: run again later";
        }
        if (status == 0) {
            return "; check the network, HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only cached models";
        }
        return "";
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Decimal units, as the hub shows them: {@code 512 B}, {@code 1.5 kB}, {@code 269.1 MB}. */
    static String size(long bytes) {
        if (bytes < 0) {
            return "size unknown";
        }
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes / 1000.0;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
