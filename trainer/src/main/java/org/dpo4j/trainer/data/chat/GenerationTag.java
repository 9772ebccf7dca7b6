package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter.InterpreterScopeClosable;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;

/**
 * {@code {% generation %}...{% endgeneration %}}: transformers' marker around assistant text
 * (used for {@code return_assistant_tokens_mask}); rendering writes its body unchanged, in a
 * scope of its own as Jinja's call blocks have.
 */
final class GenerationTag implements Tag {

    private static final long serialVersionUID = 1L;

    @Override
    public String getName() {
        return "generation";
    }

    @Override
    @SuppressWarnings("try") // the scope is entered and left; its variable is not needed
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        try (InterpreterScopeClosable scope = interpreter.enterScope()) {
            StringBuilder out = new StringBuilder();
            for (Node child : tagNode.getChildren()) {
                out.append(child.render(interpreter).getValue());
            }
            return out.toString();
        }
    }
}
