package org.dpo4j.trainer.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubReferenceTest {

    @Test
    void ownerAndNameDefaultToMain() {
        HubReference ref = HubReference.parse("hf://HuggingFaceTB/SmolLM-135M", "model.path");
        assertEquals(new HubReference("HuggingFaceTB", "SmolLM-135M", "main"), ref);
        assertEquals("HuggingFaceTB/SmolLM-135M", ref.repoId());
        assertEquals("hf://HuggingFaceTB/SmolLM-135M@main", ref.toString());
    }

    @Test
    void revisionAfterAt() {
        assertEquals(new HubReference("Qwen", "Qwen2.5-0.5B", "v1.0_rc-2"),
                HubReference.parse("hf://Qwen/Qwen2.5-0.5B@v1.0_rc-2", "model.path"));
        String commit = "0123456789abcdef0123456789abcdef01234567";
        assertEquals(commit, HubReference.parse("hf://a/b@" + commit, "model.path").revision());
    }

    @Test
    void revisionWithSlashesIsOneSegmentInUrlsAndFolders() {
        HubReference ref = HubReference.parse("hf://a/b@refs/pr/1", "model.path");
        assertEquals("refs/pr/1", ref.revision());
        assertEquals("refs%2Fpr%2F1", ref.encodedRevision());
    }

    @Test
    void onlyHfPathsAreHubPaths() {
        assertTrue(HubReference.isHubPath("hf://a/b"));
        assertFalse(HubReference.isHubPath("models/smollm"));
        assertFalse(HubReference.isHubPath("/abs/hf://a/b"));
        assertFalse(HubReference.isHubPath("HF://a/b"));
        assertFalse(HubReference.isHubPath(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "hf://", "hf://owner", "hf://owner/", "hf:///name", "hf://a/b/c", "hf://a/b@", "hf://a b/c",
        "hf://a/..", "hf://../b", "hf://a--x/b", "hf://-a/b", "hf://a/b@../x", "hf://a/b@x//y", "hf://a/b@x/",
        "hf://a/b@x y", "hf://a/b@c@d", "models/local", "hf://a/b\nc"
    })
    void badValuesFailWithOneLineNamingTheKeyAndTheForm(String value) {
        UserInputException e = assertThrows(UserInputException.class, () -> HubReference.parse(value, "reference.path"));
        String message = e.getMessage();
        assertTrue(message.startsWith("reference.path: '"), message);
        assertTrue(message.endsWith("expected hf://owner/name or hf://owner/name@revision"), message);
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void constructorRefusesWhatParseRefuses() {
        assertThrows(IllegalArgumentException.class, () -> new HubReference("a", "../b", "main"));
        assertThrows(IllegalArgumentException.class, () -> new HubReference("a", "b", ""));
        assertThrows(IllegalArgumentException.class, () -> new HubReference(null, "b", "main"));
    }
}
