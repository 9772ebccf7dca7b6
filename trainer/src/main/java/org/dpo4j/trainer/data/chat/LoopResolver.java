package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.util.ForLoop;
import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Refuses the members of Jinja's {@code loop} that Jinjava's loop object lacks
 * ({@code previtem}, {@code nextitem}): Jinjava would read them as undefined and render the
 * template differently instead of failing. ({@code changed()} fails by itself.)
 */
final class LoopResolver extends ELResolver {

    private static final Set<String> MISSING = Set.of("previtem", "nextitem", "changed");

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base instanceof ForLoop && property != null && MISSING.contains(property.toString())) {
            throw new PyCallException("loop." + property + " is not supported");
        }
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
