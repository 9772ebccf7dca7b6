package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter.InterpreterScopeClosable;
import com.hubspot.jinjava.lib.tag.ElseTag;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ForLoop;
import com.hubspot.jinjava.util.ObjectIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.lang3.tuple.Pair;

/**
 * Jinjava's {@code for} plus two Jinja features it gets wrong:
 *
 * <ul>
 *   <li>the loop filter, {@code {% for m in messages if m.role != 'system' %}}, which Jinjava
 *       reads as a conditional expression and so loops over everything. As in Jinja, the items
 *       failing the condition are dropped before the loop starts, so {@code loop.index},
 *       {@code loop.first}, {@code loop.last} and {@code loop.length} count the kept ones;
 *   <li>{@code {% else %}} inside the loop, rendered when there is nothing to loop over, which
 *       Jinjava renders on every iteration instead.
 * </ul>
 *
 * Every iteration, the filter's included, counts against the rendering's
 * {@link RenderBudget}, which ends the loop once a limit is exceeded.
 */
final class PyForTag extends ForTag {

    private static final long serialVersionUID = 1L;

    @Override
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        Pair<List<String>, String> varsAndExpression =
                getLoopVarsAndExpression((TagToken) tagNode.getMaster());
        List<String> loopVars = varsAndExpression.getLeft();
        Optional<LoopFilter> filter = LoopFilter.split(varsAndExpression.getRight());
        String iterable = filter.map(LoopFilter::iterable).orElse(varsAndExpression.getRight());
        List<Object> items =
                items(interpreter.resolveELExpression(iterable, tagNode.getLineNumber()));
        if (filter.isPresent()) {
            items = kept(RenderBudget.counted(items), loopVars, filter.get().condition(), tagNode,
                    interpreter);
        }
        int elseAt = elseIndex(tagNode);
        if (elseAt < 0) {
            return renderForCollection(tagNode, interpreter, loopVars, RenderBudget.counted(items));
        }
        List<Node> children = tagNode.getChildren();
        if (items.isEmpty()) {
            return render(children.subList(elseAt + 1, children.size()), interpreter);
        }
        TagNode body = new TagNode(tagNode.getTag(), (TagToken) tagNode.getMaster(),
                tagNode.getSymbols());
        body.setChildren(new LinkedList<>(children.subList(0, elseAt)));
        return renderForCollection(body, interpreter, loopVars, RenderBudget.counted(items));
    }

    /** Where the loop's own {@code {% else %}} is among its children, or -1. */
    private static int elseIndex(TagNode tagNode) {
        List<Node> children = tagNode.getChildren();
        for (int i = 0; i < children.size(); i++) {
            if (children.get(i) instanceof TagNode tag && tag.getName().equals(ElseTag.TAG_NAME)) {
                return i;
            }
        }
        return -1;
    }

    /** What the loop visits, as Jinjava iterates it (a dict's entries, a list's items). */
    private static List<Object> items(Object collection) {
        List<Object> items = new ArrayList<>();
        ForLoop loop = ObjectIterator.getLoop(collection);
        while (loop.hasNext()) {
            items.add(loop.next());
        }
        return items;
    }

    @SuppressWarnings("try") // the scope is entered and left; its variable is not needed
    private static List<Object> kept(List<Object> items, List<String> loopVars, String condition,
            TagNode tagNode, JinjavaInterpreter interpreter) {
        List<Object> kept = new ArrayList<>();
        try (InterpreterScopeClosable scope = interpreter.enterScope()) {
            for (Object item : items) {
                bind(interpreter, loopVars, item);
                Object keep = interpreter.resolveELExpression(condition, tagNode.getLineNumber());
                if (PyTruth.of(keep)) {
                    kept.add(item);
                }
            }
        }
        return kept;
    }

    private static String render(List<Node> nodes, JinjavaInterpreter interpreter) {
        StringBuilder out = new StringBuilder();
        for (Node node : nodes) {
            out.append(node.render(interpreter).getValue());
        }
        return out.toString();
    }

    /** Binds the loop variables to one item: {@code x} or unpacking {@code k, v}. */
    private static void bind(JinjavaInterpreter interpreter, List<String> loopVars, Object item) {
        if (loopVars.size() == 1) {
            interpreter.getContext().put(loopVars.get(0), item);
            return;
        }
        List<?> parts;
        if (item instanceof Map.Entry<?, ?> entry) {
            parts = Arrays.asList(entry.getKey(), entry.getValue());
        } else if (item instanceof List<?> list) {
            parts = list;
        } else {
            throw new PyCallException("cannot unpack a " + PyValues.typeName(item) + " into "
                    + String.join(", ", loopVars));
        }
        for (int i = 0; i < loopVars.size(); i++) {
            interpreter.getContext().put(loopVars.get(i), i < parts.size() ? parts.get(i) : null);
        }
    }
}
