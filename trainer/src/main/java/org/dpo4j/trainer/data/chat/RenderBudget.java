package org.dpo4j.trainer.data.chat;

import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.dpo4j.trainer.config.TemplateLimitsConfig;

/**
 * What one rendering may still do, against {@link TemplateLimitsConfig}: items per
 * {@code range()}, loop iterations in all, characters per string built, and time (a deadline
 * checked at each iteration and each string built). The rendering thread holds its budget
 * ({@link #open}), since Jinjava gives filters, functions and operators no handle on the
 * render they belong to.
 *
 * <p>The first limit exceeded is remembered, and from then on every loop ends at once: Jinjava
 * goes on rendering after an error, and a loop of 10⁹ items must not. The renderer reports the
 * limit ({@link #exceeded()}) instead of whatever errors followed.
 */
final class RenderBudget implements AutoCloseable {

    private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();
    private static final String KEY = "data.template_limits.";

    private final TemplateLimitsConfig limits;
    private final long deadline;
    private final RenderBudget outer;
    private long iterations;
    private String exceeded;

    private RenderBudget(TemplateLimitsConfig limits) {
        this.limits = limits;
        this.deadline = System.nanoTime() + limits.maxRenderMs() * 1_000_000L;
        this.outer = CURRENT.get();
    }

    /** Starts the budget of a rendering on this thread; close it when the rendering ends. */
    static RenderBudget open(TemplateLimitsConfig limits) {
        RenderBudget budget = new RenderBudget(limits);
        CURRENT.set(budget);
        return budget;
    }

    @Override
    public void close() {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /** The message of the first limit exceeded, if one was. */
    Optional<String> exceeded() {
        return Optional.ofNullable(exceeded);
    }

    /**
     * {@code range()} is about to make {@code items} items.
     *
     * @throws PyCallException past {@code max_range}
     */
    static void checkRange(long items) {
        RenderBudget budget = CURRENT.get();
        if (budget != null && items > budget.limits.maxRange()) {
            throw budget.exceed("range() of " + items + " items is more than " + KEY + "max_range ("
                    + budget.limits.maxRange() + ")");
        }
    }

    /**
     * A value the template built (an operator's, a filter's or a string method's result): a
     * string's characters, or a list's items (lists double as strings do), are bounded by
     * {@code max_output_chars}.
     *
     * @throws PyCallException past {@code max_output_chars} or the deadline
     */
    static <T> T checkString(T value) {
        RenderBudget budget = CURRENT.get();
        if (budget == null) {
            return value;
        }
        long max = budget.limits.maxOutputChars();
        if (value instanceof CharSequence text && text.length() > max) {
            throw budget.exceed("a string of " + text.length() + " characters is more than " + KEY
                    + "max_output_chars (" + max + ")");
        }
        if (value instanceof java.util.Collection<?> items && items.size() > max) {
            throw budget.exceed("a list of " + items.size() + " items is more than " + KEY
                    + "max_output_chars (" + max + ")");
        }
        budget.checkTime();
        return value;
    }

    /** The output so far has {@code chars} characters. */
    static void checkOutput(long chars) {
        RenderBudget budget = CURRENT.get();
        if (budget != null && chars > budget.limits.maxOutputChars()) {
            throw budget.exceed("the output of " + chars + " characters is more than " + KEY
                    + "max_output_chars (" + budget.limits.maxOutputChars() + ")");
        }
    }

    /** {@code items} as a loop visits them, each step counted against the budget. */
    static List<Object> counted(List<Object> items) {
        RenderBudget budget = CURRENT.get();
        return budget == null ? items : budget.new Counted(items);
    }

    /** One more loop iteration; false when the budget is spent (the loop must end). */
    private boolean step() {
        if (exceeded != null) {
            return false;
        }
        if (++iterations > limits.maxLoopIterations()) {
            exceed("more than " + KEY + "max_loop_iterations (" + limits.maxLoopIterations()
                    + ") loop iterations");
            return false;
        }
        try {
            checkTime();
        } catch (PyCallException e) {
            return false;
        }
        return true;
    }

    private void checkTime() {
        if (System.nanoTime() - deadline > 0) {
            throw exceed("rendering took more than " + KEY + "max_render_ms (" + limits.maxRenderMs()
                    + " ms)");
        }
    }

    private PyCallException exceed(String what) {
        if (exceeded == null) {
            exceeded = what + "; raise it if the template is trusted";
        }
        return new PyCallException(exceeded);
    }

    /** A list whose iteration stops, counted, when the budget is spent. */
    private final class Counted extends AbstractList<Object> {
        private final List<Object> items;

        Counted(List<Object> items) {
            this.items = items;
        }

        @Override
        public Object get(int index) {
            return items.get(index);
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public Iterator<Object> iterator() {
            Iterator<Object> inner = items.iterator();
            return new Iterator<>() {
                private boolean granted;

                @Override
                public boolean hasNext() {
                    if (!granted && inner.hasNext()) {
                        granted = step();
                    }
                    return granted;
                }

                @Override
                public Object next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    granted = false;
                    return inner.next();
                }
            };
        }
    }
}
