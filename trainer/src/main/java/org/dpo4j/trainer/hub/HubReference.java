package org.dpo4j.trainer.hub;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.dpo4j.trainer.common.UserInputException;

/**
 * A model repository on the Hugging Face hub, written in a config as {@code hf://owner/name} or
 * {@code hf://owner/name@revision} (for example {@code hf://HuggingFaceTB/SmolLM-135M@main}).
 *
 * <p>{@code owner} and {@code name} are 1 to 96 letters, digits, {@code .}, {@code _} or
 * {@code -}, starting with a letter or digit, without {@code --} or {@code ..} (the hub's own
 * rules; {@code --} also separates owner and name in the cache folder). {@code revision} is a
 * branch, tag or commit hash, default {@code main}; it may contain {@code /} between non-empty
 * segments ({@code refs/pr/1}). The checks also keep every part usable as a file name.
 *
 * @param owner    the user or organisation
 * @param name     the repository
 * @param revision the branch, tag or commit
 */
public record HubReference(String owner, String name, String revision) {

    /** The prefix that marks a config path as a hub reference. */
    public static final String SCHEME = "hf://";

    public static final String DEFAULT_REVISION = "main";

    private static final String FORM = "hf://owner/name or hf://owner/name@revision";
    private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern REVISION_SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    /** @throws IllegalArgumentException when a part breaks the rules above */
    public HubReference {
        String problem = problem(owner, name, revision);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Whether a config path names a hub repository rather than a local folder. */
    public static boolean isHubPath(String value) {
        return value != null && value.startsWith(SCHEME);
    }

    /**
     * @param value   the config value, {@code hf://owner/name[@revision]}
     * @param keyPath where the value came from ({@code model.path}), for the error
     * @throws UserInputException one line naming {@code keyPath}, the value and the allowed form
     */
    public static HubReference parse(String value, String keyPath) {
        if (!isHubPath(value)) {
            throw fail(keyPath, value, "does not start with " + SCHEME);
        }
        String repo = value.substring(SCHEME.length());
        String revision = DEFAULT_REVISION;
        int at = repo.indexOf('@');
        if (at >= 0) {
            revision = repo.substring(at + 1);
            repo = repo.substring(0, at);
        }
        int slash = repo.indexOf('/');
        if (slash < 0) {
            throw fail(keyPath, value, "has no repository name (the hub names repositories owner/name)");
        }
        String owner = repo.substring(0, slash);
        String name = repo.substring(slash + 1);
        String problem = problem(owner, name, revision);
        if (problem != null) {
            throw fail(keyPath, value, problem);
        }
        return new HubReference(owner, name, revision);
    }

    /** {@code owner/name}, as the hub writes a repository id. */
    public String repoId() {
        return owner + "/" + name;
    }

    /**
     * The revision as one path segment, for URLs and cache folder names: {@code /} becomes
     * {@code %2F}, which the hub accepts and which keeps a branch like {@code refs/pr/1} from
     * turning into nested folders.
     */
    String encodedRevision() {
        return URLEncoder.encode(revision, StandardCharsets.UTF_8);
    }

    /** {@code hf://owner/name@revision}, the revision always written. */
    @Override
    public String toString() {
        return SCHEME + repoId() + "@" + revision;
    }

    /** The first rule the parts break, or null when they are fine. */
    private static String problem(String owner, String name, String revision) {
        if (owner == null || name == null || revision == null) {
            return "owner, name and revision are required";
        }
        String repoProblem = repoPartProblem("owner", owner);
        if (repoProblem == null) {
            repoProblem = repoPartProblem("name", name);
        }
        if (repoProblem != null) {
            return repoProblem;
        }
        if (revision.isEmpty()) {
            return "has an empty revision after @";
        }
        for (String segment : revision.split("/", -1)) {
            if (!REVISION_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return "revision '" + revision + "' must be letters, digits, '.', '_', '-' in segments separated by single '/'";
            }
        }
        return null;
    }

    private static String repoPartProblem(String what, String part) {
        if (part.isEmpty()) {
            return "has an empty " + what;
        }
        if (!REPO_PART.matcher(part).matches() || part.contains("--") || part.contains("..")) {
            return what + " '" + part + "' must be 1 to 96 letters, digits, '.', '_', '-', start with a letter"
                    + " or digit and contain no '--' or '..'";
        }
        return null;
    }

    private static UserInputException fail(String keyPath, String value, String problem) {
        String shown = value == null ? "null" : "'" + value + "'";
        // A pasted value may hold a line break; the message must stay one line.
        String message = keyPath + ": " + shown + ": " + problem + "; expected " + FORM;
        return new UserInputException(message.replaceAll("\\p{Cntrl}", "?"));
    }
}
