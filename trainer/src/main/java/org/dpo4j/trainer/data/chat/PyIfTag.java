package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.tree.TagNode;

/**
 * Jinjava's {@code if}/{@code elif} deciding with Python's truth value ({@link PyTruth}):
 * Jinjava's own treats the string "false" as false.
 */
final class PyIfTag extends IfTag {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
        return PyTruth.of(interpreter.resolveELExpression(tagNode.getHelpers(),
                tagNode.getLineNumber(), tagNode.getStartPosition()));
    }
}
