package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.el.TruthyTypeConverter;

/** Jinjava's conversions with Python's truth value ({@link PyTruth}) for booleans. */
final class PyTypeConverter extends TruthyTypeConverter {

    private static final long serialVersionUID = 1L;

    @Override
    protected Boolean coerceToBoolean(Object value) {
        return PyTruth.of(value);
    }
}
