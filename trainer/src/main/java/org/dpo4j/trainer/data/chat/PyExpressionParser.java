package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.NamedParameterOperator;
import com.hubspot.jinjava.el.ext.StringConcatOperator;
import java.util.Map;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner.ScanException;
import jinjava.de.odysseus.el.tree.impl.Scanner.Symbol;
import jinjava.de.odysseus.el.tree.impl.Scanner.Token;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
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
 *   <li>a keyword argument's value is a whole expression: {@code f(n=x|length - 1)} passes
 *       {@code x|length - 1} (Jinjava reads {@code (n=x|length) - 1} and fails);
 *   <li>slices take a step, {@code x[::-1]}, {@code x[1:5:2]}, and count a string's code points
 *       ({@link PySlice}).
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

    /**
     * Jinjava's additive level, except that {@code name=} takes the whole expression after it
     * ({@code expr}), as Jinja's keyword arguments do, instead of one multiplicative term.
     */
    @Override
    protected AstNode add(boolean required) throws ScanException, ParseException {
        AstNode v = mul(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Token token = getToken();
            switch (token.getSymbol()) {
                case PLUS -> {
                    consumeToken();
                    v = createAstBinary(v, mul(true), AdditionOperator.OP);
                }
                case MINUS -> {
                    consumeToken();
                    v = createAstBinary(v, mul(true), AstBinary.SUB);
                }
                case EXTENSION -> {
                    if (token == NamedParameterOperator.TOKEN) {
                        return getExtensionHandler(consumeToken()).createAstNode(v, expr(true));
                    }
                    if (getExtensionHandler(token).getExtensionPoint()
                            != Parser.ExtensionPoint.ADD) {
                        return v;
                    }
                    v = getExtensionHandler(consumeToken()).createAstNode(v, mul(true));
                }
                default -> {
                    return v;
                }
            }
        }
    }

    /**
     * Jinjava's postfix level ({@code .name}, {@code .name(...)}, {@code [key]},
     * {@code [key](...)}) with Python's slices {@code [start:stop:step]}, every part optional.
     * Filters and tests are read one level up, since natural operator precedence is on.
     */
    @Override
    protected AstNode value() throws ScanException, ParseException {
        boolean lvalue = true;
        AstNode v = nonliteral();
        if (v == null) {
            v = literal();
            if (v == null) {
                return null;
            }
            lvalue = false;
        }
        boolean methods = context.isEnabled(Builder.Feature.METHOD_INVOCATIONS);
        while (true) {
            switch (getToken().getSymbol()) {
                case DOT -> {
                    consumeToken();
                    String name = consumeToken(Symbol.IDENTIFIER).getImage();
                    AstDot dot = createAstDot(v, name, lvalue);
                    v = getToken().getSymbol() == Symbol.LPAREN && methods
                            ? createAstMethod(dot, params()) : dot;
                }
                case LBRACK -> {
                    consumeToken();
                    boolean strict = !context.isEnabled(Builder.Feature.NULL_PROPERTIES);
                    AstNode first = expr(false);
                    if (getToken().getSymbol() == Symbol.RBRACK) {
                        consumeToken();
                        AstBracket bracket = createAstBracket(v, first, lvalue, strict);
                        v = getToken().getSymbol() == Symbol.LPAREN && methods
                                ? createAstMethod(bracket, params()) : bracket;
                    } else {
                        consumeToken(Symbol.COLON);
                        AstNode stop = expr(false);
                        AstNode step = null;
                        if (getToken().getSymbol() == Symbol.COLON) {
                            consumeToken();
                            step = expr(false);
                        }
                        consumeToken(Symbol.RBRACK);
                        v = new PySlice(v, first, stop, step, lvalue, strict,
                                context.isEnabled(Builder.Feature.IGNORE_RETURN_TYPE));
                    }
                }
                default -> {
                    return v;
                }
            }
        }
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
        AstBinary.Operator python = PYTHON_OPERATORS.getOrDefault(operator, operator);
        return super.createAstBinary(left, right, python);
    }
}
