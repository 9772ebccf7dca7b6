package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Builder.Feature;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinjava reading expressions with {@link PyExpressionParser} and converting truth values with
 * {@link PyTypeConverter}. Jinjava takes its expression factory from this getter, so overriding
 * it is the one hook there is; the features are those Jinjava's own factory has (Java EE 6
 * profile: method calls, varargs).
 */
final class PythonJinjava extends Jinjava {

    /** Parsed expressions kept, as Jinjava's default factory does. */
    private static final int CACHE_SIZE = 1000;

    private final ExpressionFactory expressions = new ExpressionFactoryImpl(
            new TreeStore(new PySyntaxBuilder(Feature.METHOD_INVOCATIONS, Feature.VARARGS),
                    new Cache(CACHE_SIZE)),
            new PyTypeConverter());

    PythonJinjava(JinjavaConfig config) {
        super(config);
    }

    @Override
    public ExpressionFactory getExpressionFactory() {
        return expressions;
    }
}
