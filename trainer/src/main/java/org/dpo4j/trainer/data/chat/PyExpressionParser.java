package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.AstRangeBracket;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.StringConcatOperator;
import java.util.Map;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner.ScanException;
import jinjava.de.odysseus.el.tree.impl.Scanner.Symbol;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;

/**
 * Jinjava's expression parser with the Python rules it lacks:
 *
 * <ul>
 *   <li>{@code not} binds looser than comparisons and tests: {@code not x is defined} is
 *       {@code not (x is defined)}, as in Jinja (Java EL reads {@code (not x) is defined},
 *       which is true for any defined x); it still binds tighter than {@code and}/{@code or};
 *   <li>the operators of {@link PyOperators} replace EL's {@code and}, {@code +}, {@code ~},
 *       {@code %} and comparisons;
 *   <li>string slices count code points ({@link PyStringSlice}).
 * </ul>
 */
final class PyExpressionParser extends ExtendedParser {

    private static final Map<AstBinary.Operator, AstBinary.Operator> PYTHON_OPERATORS = Map.of(
            AstBinary.AND, PyOperators.AND,
            AstBinary.MOD, PyOperators.MOD,
            AdditionOperator.OP, PyOperators.ADD,
            AstBinary.EQ, PyOperators.comparison("==", sign -> sign == 0),
            AstBinary.NE, PyOperators.comparison("!=", sign -> sign != 0),
            AstBinary.LT, PyOperators.comparison("<", sign -> sign < 0),
            AstBinary.LE, PyOperators.comparison("<=", sign -> sign <= 0),
            AstBinary.GT, PyOperators.comparison(">", sign -> sign > 0),
            AstBinary.GE, PyOperators.comparison(">=", sign -> sign >= 0));

    PyExpressionParser(Builder context, String input) {
        super(context, input);
        putExtensionHandler(StringConcatOperator.TOKEN,
                new Parser.ExtensionHandler(Parser.ExtensionPoint.ADD) {
                    @Override
                    public AstNode createAstNode(AstNode... children) {
                        return new AstBinary(children[0], children[1], PyOperators.CONCAT);
                    }
                });
    }

    /** Jinja's {@code not_expr := "not" not_expr | comparison}, one level above EL's {@code ==}. */
    @Override
    protected AstNode eq(boolean required) throws ScanException, ParseException {
        if (getToken().getSymbol() == Symbol.NOT) {
            consumeToken();
            return createAstUnary(eq(true), AstUnary.NOT);
        }
        return super.eq(required);
    }

    @Override
    protected AstRangeBracket createAstRangeBracket(AstNode base, AstNode start, AstNode end,
            boolean lvalue, boolean strict) {
        return new PyStringSlice(base, start, end, lvalue, strict,
                context.isEnabled(Builder.Feature.IGNORE_RETURN_TYPE));
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
        AstBinary.Operator python = PYTHON_OPERATORS.getOrDefault(operator, operator);
        return super.createAstBinary(left, right, python);
    }
}
