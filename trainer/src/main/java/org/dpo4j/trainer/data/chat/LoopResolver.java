package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.util.ForLoop;
import java.util.Set;
import jinjava.javax.el.ELContext;

/**
 * Refuses the members of Jinja's {@code loop} that Jinjava's loop object lacks
 * ({@code previtem}, {@code nextitem}): Jinjava would read them as undefined and render the
 * template differently instead of failing. ({@code changed()} fails by itself.)
 */
final class LoopResolver extends ValueOnlyResolver {

    private static final Set<String> MISSING = Set.of("previtem", "nextitem", "changed");

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base instanceof ForLoop && property != null && MISSING.contains(property.toString())) {
            throw new PyCallException("loop." + property + " is not supported");
        }
        return null;
    }
}
