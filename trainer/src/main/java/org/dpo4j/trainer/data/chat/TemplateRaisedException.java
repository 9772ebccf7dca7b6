package org.dpo4j.trainer.data.chat;

/**
 * Thrown by the template function {@code raise_exception(message)}: the template itself refuses
 * the conversation (roles out of order, a system message it cannot place). The renderer reports
 * {@code message} as the template wrote it.
 */
final class TemplateRaisedException extends RuntimeException {

    TemplateRaisedException(String message) {
        super(message);
    }
}
