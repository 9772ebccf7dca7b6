package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.interpret.DisabledException;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.TemplateError.ErrorReason;
import com.hubspot.jinjava.interpret.TemplateError.ErrorType;
import java.util.List;
import java.util.Optional;
import jinjava.de.odysseus.el.tree.TreeBuilderException;

/**
 * Turns the errors Jinjava collects while parsing or rendering (it goes on after most of them)
 * into the one line a user reads. A {@code raise_exception} wins, since the template's own
 * message says what is wrong with the conversation; otherwise the first fatal error, with its
 * line in the template. Warnings (a property a value does not have) are what Jinja treats as
 * undefined, and are not failures.
 */
final class TemplateErrors {

    private TemplateErrors() {}

    /** The template's {@code raise_exception} message, if it called it. */
    static Optional<String> raised(List<TemplateError> errors) {
        for (TemplateError error : errors) {
            for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                if (t instanceof TemplateRaisedException raised) {
                    return Optional.of(oneLine(raised.getMessage()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The output limit, when Jinjava stopped because the output grew past it (it checks as the
     * output grows, then goes on with the rest of the template).
     */
    static Optional<String> outputTooBig(List<TemplateError> errors, long maxOutputChars) {
        for (TemplateError error : errors) {
            for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                if (t instanceof OutputTooBigException) {
                    return Optional.of("the output is more than data.template_limits.max_output_chars ("
                            + maxOutputChars + ") characters; raise it if the template is trusted");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The first error of parsing the tag tree: any syntax error, whatever its severity (Jinjava
     * only warns about an unclosed {@code {{} or a stray end tag, which Jinja refuses), or a
     * fatal one (an unknown tag, a switched-off one).
     */
    static Optional<String> structural(List<TemplateError> errors) {
        return errors.stream()
                .filter(e -> e.getReason() == ErrorReason.SYNTAX_ERROR
                        || e.getSeverity() == ErrorType.FATAL)
                .findFirst().map(TemplateErrors::describe);
    }

    /**
     * The first expression that cannot be read, among the errors of a validation pass. Jinjava
     * files failures of evaluation under "syntax error" too, so only a failure of its expression
     * parser counts here: what fails on the sample values of that pass may work on real data,
     * and a switched-off filter in a branch the data never takes (tools, say) does no harm, so
     * those are reported when rendering reaches them.
     */
    static Optional<String> unreadable(List<TemplateError> errors) {
        return errors.stream().filter(TemplateErrors::isUnreadable).findFirst()
                .map(TemplateErrors::describe);
    }

    private static boolean isUnreadable(TemplateError error) {
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            if (t instanceof TreeBuilderException) {
                return true;
            }
        }
        return false;
    }

    /** The first fatal error as {@code problem (line N)}, if any. */
    static Optional<String> fatal(List<TemplateError> errors) {
        return errors.stream().filter(e -> e.getSeverity() == ErrorType.FATAL).findFirst()
                .map(TemplateErrors::describe);
    }

    /**
     * {@code problem (line N)}: our own message where the cause is ours, Jinjava's otherwise
     * (which wraps causes in "Error resolving expression [...]").
     */
    private static String describe(TemplateError error) {
        String problem = error.getMessage();
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            if (t instanceof PyCallException) {
                problem = t.getMessage();
                break;
            }
            if (t instanceof DisabledException disabled) {
                problem = "'" + disabled.getToken() + "' is not supported (not in Jinja, or"
                        + " rendered differently by Jinjava)";
                break;
            }
        }
        String line = error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : "";
        return oneLine(problem) + line;
    }

    static String oneLine(String text) {
        return String.valueOf(text).replaceAll("\\s+", " ").trim();
    }
}
