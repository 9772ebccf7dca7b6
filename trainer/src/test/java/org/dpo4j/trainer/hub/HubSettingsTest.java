package org.dpo4j.trainer.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubSettingsTest {

    private static final Path HOME = Path.of("/home/someone");

    @Test
    void defaultsArePublicHubAndHomeCache() {
        HubSettings settings = HubSettings.fromEnvironment(Map.of("HF_TOKEN", " "), HOME);
        assertEquals(HOME.resolve(".cache/dpo4j/hub"), settings.hubCache());
        assertEquals(URI.create("https://huggingface.co"), settings.endpoint());
        assertNull(settings.token());
        assertFalse(settings.offline());
    }

    @Test
    void environmentOverridesEach() {
        HubSettings settings = HubSettings.fromEnvironment(Map.of(
                "DPO4J_CACHE", "/data/cache",
                "HF_ENDPOINT", "https://hf-mirror.example.org/",
                "HF_TOKEN", "hf_abc",
                "HF_HUB_OFFLINE", "1"), HOME);
        assertEquals(Path.of("/data/cache/hub"), settings.hubCache());
        assertEquals(URI.create("https://hf-mirror.example.org"), settings.endpoint());
        assertEquals("hf_abc", settings.token());
        assertTrue(settings.offline());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "true", "TRUE", "yes", "On"})
    void offlineWords(String value) {
        assertTrue(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", value), HOME).offline());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "false", "no", "off"})
    void onlineWords(String value) {
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", value), HOME).offline());
    }

    @ParameterizedTest
    @ValueSource(strings = {"huggingface.co", "ftp://mirror", "http://", "https://x.org/?q=1"})
    void endpointMustBeAnHttpAddress(String value) {
        UserInputException e = assertThrows(UserInputException.class,
                () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", value), HOME));
        assertTrue(e.getMessage().startsWith("HF_ENDPOINT: '" + value + "'"), e.getMessage());
    }

    @Test
    void cacheFolderIsOwnerDashDashNameThenRevision() {
        HubSettings settings = HubSettings.fromEnvironment(Map.of("DPO4J_CACHE", "/c"), HOME);
        HubDownloader downloader = new HubDownloader(settings, HubFetcher.defaultClient(), line -> {});
        assertEquals(Path.of("/c/hub/HuggingFaceTB--SmolLM-135M/refs%2Fpr%2F1"),
                downloader.cacheFolder(HubReference.parse("hf://HuggingFaceTB/SmolLM-135M@refs/pr/1", "model.path")));
        assertEquals(URI.create("https://huggingface.co/a/b/resolve/refs%2Fpr%2F1/config.json"),
                downloader.url(new HubReference("a", "b", "refs/pr/1"), "config.json"));
    }
}
