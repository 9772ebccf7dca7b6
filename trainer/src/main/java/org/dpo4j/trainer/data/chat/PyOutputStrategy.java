package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.expression.ExpressionStrategy;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;

/**
 * Writes {@code {{ expression }}} as Python's {@code str()} would ({@link PyValues}):
 * {@code True} rather than Jinjava's {@code true}. No autoescaping and no re-rendering of the
 * result, as in transformers' environment.
 */
final class PyOutputStrategy implements ExpressionStrategy {

    private static final long serialVersionUID = 1L;

    @Override
    public RenderedOutputNode interpretOutput(ExpressionToken master,
            JinjavaInterpreter interpreter) {
        Object value = interpreter.resolveELExpression(master.getExpr(), master.getLineNumber());
        if (interpreter.getContext().isValidationMode()) {
            // Values are placeholders there; only reading the expression matters.
            return new RenderedOutputNode("");
        }
        return new RenderedOutputNode(PyValues.str(value));
    }
}
