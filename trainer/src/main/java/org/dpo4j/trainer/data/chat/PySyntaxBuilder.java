package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import jinjava.de.odysseus.el.tree.impl.Parser;

/** Builds expression trees with {@link PyExpressionParser}. */
final class PySyntaxBuilder extends ExtendedSyntaxBuilder {

    private static final long serialVersionUID = 1L;

    PySyntaxBuilder(Feature... features) {
        super(features);
    }

    @Override
    protected Parser createParser(String expression) {
        return new PyExpressionParser(this, expression);
    }
}
