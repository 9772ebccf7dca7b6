package org.dpo4j.trainer.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dpo4j.trainer.config.RunConfig;

/**
 * The resolved config as a checkpoint records it: the whole tree (snake_case keys, as
 * {@code resolved-config.yaml}) and the SHA-256 of its compact JSON without the keys a resumed
 * run may change ({@link #MAY_CHANGE}), so that resuming with another config is refused.
 *
 * @param tree   the config as JSON
 * @param sha256 hex SHA-256 of the tree less {@link #MAY_CHANGE}
 */
public record ConfigFingerprint(ObjectNode tree, String sha256) {

    /**
     * Key paths a resumed run may change: the run may grow, may write elsewhere, and may compute
     * its batches with or without shared prompts (the same values up to float32 rounding; leaving
     * it out also lets checkpoints written before the key existed resume). Likewise how the step
     * computes: threads, device and precision (an fp16 run resumes its loss scale from the
     * checkpoint; one resumed from a float32 checkpoint starts at the initial scale).
     */
    static final List<String> MAY_CHANGE = List.of("train.max_steps", "train.epochs", "output.dir",
            "train.share_prompts", "train.threads", "train.device", "train.precision");

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ConfigFingerprint of(RunConfig config) {
        return of((ObjectNode) JSON.valueToTree(config));
    }

    public static ConfigFingerprint of(ObjectNode tree) {
        ObjectNode compared = tree.deepCopy();
        for (String path : MAY_CHANGE) {
            int dot = path.indexOf('.');
            if (compared.get(path.substring(0, dot)) instanceof ObjectNode node) {
                node.remove(path.substring(dot + 1));
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(compared).getBytes(StandardCharsets.UTF_8));
            return new ConfigFingerprint(tree, HexFormat.of().formatHex(digest));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint the config", e);
        }
    }

    /**
     * The first key (depth first, in the config's order) whose value differs between
     * {@code saved} and this config, ignoring {@link #MAY_CHANGE}, as
     * {@code "loss.beta is 0.2, the checkpoint's is 0.1"}; empty when they agree.
     */
    Optional<String> firstDifference(ConfigFingerprint saved) {
        if (sha256.equals(saved.sha256())) {
            return Optional.empty();
        }
        Optional<String> found = difference("", tree, saved.tree());
        return Optional.of(found.orElse("the config's fingerprint " + sha256 + " differs from the checkpoint's "
                + saved.sha256()));
    }

    private static Optional<String> difference(String path, JsonNode now, JsonNode saved) {
        if (MAY_CHANGE.contains(path)) {
            return Optional.empty();
        }
        if (now != null && saved != null && now.isObject() && saved.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            now.fieldNames().forEachRemaining(keys::add);
            saved.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                Optional<String> d = difference(path.isEmpty() ? key : path + "." + key, now.get(key), saved.get(key));
                if (d.isPresent()) {
                    return d;
                }
            }
            return Optional.empty();
        }
        String a = render(now);
        String b = render(saved);
        return a.equals(b) ? Optional.empty() : Optional.of(path + " is " + a + ", the checkpoint's is " + b);
    }

    private static String render(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "not set";
        }
        return node.isTextual() ? node.asText() : node.toString();
    }
}
