package org.dpo4j.trainer.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a {@link FakeHub} on 127.0.0.1; nothing here reaches the internet. */
class HubDownloaderTest {

    private static final HubReference REF = new HubReference("owner", "name", "main");
    private static final String SHARD_1 = "model-00001-of-00002.safetensors";
    private static final String SHARD_2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path tmp;

    private Path repo;
    private Path cache;
    private FakeHub hub;
    private final List<String> progress = new ArrayList<>();

    @BeforeEach
    void startHub() throws IOException {
        repo = Files.createDirectories(tmp.resolve("repo"));
        cache = tmp.resolve("cache");
        hub = new FakeHub(repo);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void shardedModelArrivesByteIdenticalWithMarkerAndOneProgressLinePerFile() throws IOException {
        writeShardedModel();
        write("generation_config.json", "{\"do_sample\": false}");

        Path folder = downloader(null, false).resolve(REF);

        assertEquals(cache.resolve("owner--name").resolve("main"), folder);
        List<String> files = List.of("config.json", "tokenizer.json", "generation_config.json",
                ShardIndex.FILE_NAME, SHARD_1, SHARD_2);
        for (String file : files) {
            assertArrayEquals(Files.readAllBytes(repo.resolve(file)), Files.readAllBytes(folder.resolve(file)), file);
        }
        assertTrue(Files.isRegularFile(folder.resolve(HubCache.MARKER)));
        assertEquals(List.of(), partFiles(folder), "no part files left");
        assertEquals(files.size(), progress.size(), progress.toString());
        assertTrue(progress.contains("hf://owner/name@main: downloading " + SHARD_1 + " (100.0 kB)"), progress.toString());
        assertFalse(hub.requestedFiles().contains("model.safetensors"), "an index means no single-file weights");
    }

    @Test
    void completeCacheIsReturnedWithoutAnyRequestEvenWithTheHubGone() throws IOException {
        writeShardedModel();
        Path folder = downloader(null, false).resolve(REF);
        int requests = hub.requests().size();

        assertEquals(folder, downloader(null, false).resolve(REF));
        assertEquals(requests, hub.requests().size(), "second resolve made requests");
        hub.close();
        assertEquals(folder, downloader(null, false).resolve(REF));
    }

    @Test
    void singleFileModelWithoutOptionalFiles() throws IOException {
        write("config.json", "{\"model_type\": \"llama\"}");
        write("tokenizer.json", "{\"model\": {}}");
        Files.write(repo.resolve("model.safetensors"), randomBytes(4321, 3));

        Path folder = downloader(null, false).resolve(REF);

        assertArrayEquals(Files.readAllBytes(repo.resolve("model.safetensors")),
                Files.readAllBytes(folder.resolve("model.safetensors")));
        for (String optional : HubDownloader.OPTIONAL_FILES) {
            assertTrue(hub.requestedFiles().contains(optional), optional + " was asked for");
            assertFalse(Files.exists(folder.resolve(optional)), optional);
        }
        assertEquals(3, progress.size(), progress.toString());
    }

    @Test
    void missingConfigIsOneLineNamingTheUrl() throws IOException {
        writeShardedModel();
        Files.delete(repo.resolve("config.json"));

        String message = failure(downloader(null, false));

        assertTrue(message.startsWith("hf://owner/name@main: config.json not found (HTTP 404 at "
                + hub.endpoint() + "/owner/name/resolve/main/config.json)"), message);
        assertTrue(message.contains("local folder"), message);
        assertFalse(Files.exists(cache.resolve("owner--name/main").resolve(HubCache.MARKER)));
    }

    @Test
    void missingWeightsIsOneLine() throws IOException {
        write("config.json", "{}");
        write("tokenizer.json", "{}");

        String message = failure(downloader(null, false));

        assertTrue(message.startsWith("hf://owner/name@main: the repository has no safetensors weights"), message);
        assertTrue(hub.requestedFiles().containsAll(List.of(ShardIndex.FILE_NAME, "model.safetensors")));
    }

    @Test
    void serverErrorNamesTheUrlAndStatus() throws IOException {
        writeShardedModel();
        hub.override(SHARD_2, FakeHub.status(500));

        String message = failure(downloader(null, false));

        assertTrue(message.contains(hub.endpoint() + "/owner/name/resolve/main/" + SHARD_2 + ": HTTP 500"), message);
        assertTrue(message.contains("local folder"), message);
        assertFalse(Files.exists(cache.resolve("owner--name/main").resolve(HubCache.MARKER)));
    }

    @Test
    void unreachableHubIsOneLineNamingTheUrl() throws IOException {
        hub.close();
        String message = failure(downloader(null, false));

        assertTrue(message.contains(hub.endpoint() + "/owner/name/resolve/main/config.json: no response"), message);
        assertTrue(message.contains("HF_HUB_OFFLINE"), message);
    }

    @Test
    void droppedConnectionLeavesNoFileUnderItsNameAndTheNextRunFetchesOnlyWhatIsMissing() throws IOException {
        writeShardedModel();
        hub.override(SHARD_1, FakeHub.dropAfter(Files.readAllBytes(repo.resolve(SHARD_1)), 30_000));
        Path folder = cache.resolve("owner--name/main");

        String message = failure(downloader(null, false));

        assertTrue(message.contains(SHARD_1), message);
        assertFalse(Files.exists(folder.resolve(SHARD_1)), "truncated shard under its final name");
        assertEquals(List.of(), partFiles(folder), "part file left behind");
        assertFalse(Files.exists(folder.resolve(HubCache.MARKER)));

        hub.clearOverrides();
        int before = hub.requests().size();
        downloader(null, false).resolve(REF);
        assertArrayEquals(Files.readAllBytes(repo.resolve(SHARD_1)), Files.readAllBytes(folder.resolve(SHARD_1)));
        List<String> again = hub.requestedFiles().subList(before, hub.requests().size());
        assertFalse(again.contains("config.json"), "cached config.json fetched again: " + again);
        assertTrue(again.contains(SHARD_1), again.toString());
    }

    @Test
    void fileAlreadyInTheCacheIsNotFetched() throws IOException {
        writeShardedModel();
        Path folder = Files.createDirectories(cache.resolve("owner--name/main"));
        Files.writeString(folder.resolve("config.json"), "{\"cached\": true}");

        downloader(null, false).resolve(REF);

        assertFalse(hub.requestedFiles().contains("config.json"));
        assertEquals("{\"cached\": true}", Files.readString(folder.resolve("config.json")));
        assertTrue(progress.contains("hf://owner/name@main: config.json already cached (16 B)"), progress.toString());
    }

    @Test
    void fileDeletedFromACompleteCacheIsFetchedAgain() throws IOException {
        writeShardedModel();
        Path folder = downloader(null, false).resolve(REF);
        Files.delete(folder.resolve(SHARD_2));
        int before = hub.requests().size();

        downloader(null, false).resolve(REF);

        // Files absent from the hub are asked for again; of those present, only the deleted one.
        List<String> again = new ArrayList<>(hub.requestedFiles().subList(before, hub.requests().size()));
        again.removeAll(HubDownloader.OPTIONAL_FILES);
        assertEquals(List.of(SHARD_2), again);
    }

    @Test
    void stalePartFilesAreSweptAndFreshOnesKept() throws IOException {
        writeShardedModel();
        Path folder = Files.createDirectories(cache.resolve("owner--name/main"));
        Path stale = Files.write(folder.resolve("." + SHARD_1 + ".1234.part"), new byte[10]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(HubCache.STALE_PART_AGE).minusSeconds(60)));
        Path fresh = Files.write(folder.resolve("." + SHARD_2 + ".5678.part"), new byte[10]);

        downloader(null, false).resolve(REF);

        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh), "a part file another process may still be writing");
    }

    @Test
    void tokenGoesToTheHubButNotToAnotherHostARedirectLeadsTo() throws IOException {
        writeShardedModel();
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.copy(repo.resolve(SHARD_1), storage.resolve(SHARD_1));
        try (FakeHub other = new FakeHub(storage)) {
            hub.override(SHARD_1, FakeHub.redirect(302, other.endpoint() + "/owner/name/resolve/main/" + SHARD_1));
            // A relative redirect stays on the hub's origin, so the token goes along.
            Files.move(repo.resolve(SHARD_2), repo.resolve("moved-" + SHARD_2));
            hub.override(SHARD_2, FakeHub.redirect(307, "/owner/name/resolve/main/moved-" + SHARD_2));

            Path folder = downloader("hf_secret", false).resolve(REF);

            assertArrayEquals(Files.readAllBytes(storage.resolve(SHARD_1)), Files.readAllBytes(folder.resolve(SHARD_1)));
            assertArrayEquals(Files.readAllBytes(repo.resolve("moved-" + SHARD_2)), Files.readAllBytes(folder.resolve(SHARD_2)));
            assertTrue(hub.requestedFiles().contains("moved-" + SHARD_2));
            assertEquals(1, other.requests().size());
            assertNull(other.requests().get(0).authorization(), "token sent to another host");
        }
        for (FakeHub.Request request : hub.requests()) {
            assertEquals("Bearer hf_secret", request.authorization(), request.path());
        }
    }

    @Test
    void noTokenMeansNoAuthorizationHeader() throws IOException {
        writeShardedModel();
        downloader(null, false).resolve(REF);
        assertTrue(hub.requests().stream().allMatch(r -> r.authorization() == null));
    }

    @Test
    void offlineUsesACompleteCacheWithoutRequests() throws IOException {
        writeShardedModel();
        Path folder = downloader(null, false).resolve(REF);
        int requests = hub.requests().size();

        assertEquals(folder, downloader(null, true).resolve(REF));
        assertEquals(requests, hub.requests().size());
    }

    @Test
    void offlineWithoutACompleteCacheIsOneLineAndNoRequest() throws IOException {
        writeShardedModel();
        Files.createDirectories(cache.resolve("owner--name/main"));
        Files.writeString(cache.resolve("owner--name/main/config.json"), "{}");

        String message = failure(downloader(null, true));

        assertTrue(message.startsWith("hf://owner/name@main: not in the cache"), message);
        assertTrue(message.contains("HF_HUB_OFFLINE"), message);
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void indexNamingAFileOutsideTheRepositoryFolderIsRefused() throws IOException {
        writeShardedModel();
        write(ShardIndex.FILE_NAME, "{\"weight_map\": {\"a.weight\": \"../../escape.safetensors\"}}");

        String message = failure(downloader(null, false));

        assertTrue(message.contains("weight_map.a.weight"), message);
        assertFalse(Files.exists(cache.resolve("escape.safetensors")));
        assertFalse(Files.exists(cache.resolve("owner--name/main").resolve(ShardIndex.FILE_NAME)),
                "a refused index stays cached");
    }

    private HubDownloader downloader(String token, boolean offline) {
        HubSettings settings = new HubSettings(cache, hub.endpoint(), token, offline);
        return new HubDownloader(settings, HubFetcher.defaultClient(), progress::add);
    }

    /** The message of the {@link UserInputException} resolving fails with, checked to be one line. */
    private static String failure(HubDownloader downloader) {
        String message = assertThrows(UserInputException.class, () -> downloader.resolve(REF)).getMessage();
        assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
        return message;
    }

    /** config.json, tokenizer.json, an index and two shards of arbitrary bytes. */
    private void writeShardedModel() throws IOException {
        write("config.json", "{\"model_type\": \"llama\", \"hidden_size\": 8}");
        write("tokenizer.json", "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}");
        write(ShardIndex.FILE_NAME, "{\"metadata\": {\"total_size\": 100003}, \"weight_map\": {"
                + "\"model.embed_tokens.weight\": \"" + SHARD_1 + "\", "
                + "\"model.norm.weight\": \"" + SHARD_2 + "\", "
                + "\"lm_head.weight\": \"" + SHARD_1 + "\"}}");
        Files.write(repo.resolve(SHARD_1), randomBytes(100_000, 1));
        Files.write(repo.resolve(SHARD_2), randomBytes(3, 2));
    }

    private void write(String file, String text) throws IOException {
        Files.writeString(repo.resolve(file), text, StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static List<Path> partFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(HubCache.PART_SUFFIX)).toList();
        }
    }
}
