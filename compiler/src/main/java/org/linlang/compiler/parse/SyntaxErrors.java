package org.linlang.compiler.parse;

import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.FailedPredicateException;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.linlang.grammar.LinLexer;

/**
 * ANTLR's recovery (token insertion and deletion, resynchronisation) with messages written for people:
 * "unexpected ')', expected an expression" instead of "mismatched input ')' expecting {...}".
 */
final class SyntaxErrors extends DefaultErrorStrategy {

    @Override
    protected void reportNoViableAlternative(Parser parser, NoViableAltException e) {
        Token offending = e.getOffendingToken();
        parser.notifyErrorListeners(offending, "unexpected " + describe(offending) + expectedSuffix(parser, e.getExpectedTokens()), e);
    }

    @Override
    protected void reportInputMismatch(Parser parser, InputMismatchException e) {
        Token offending = e.getOffendingToken();
        parser.notifyErrorListeners(offending, "unexpected " + describe(offending) + expectedSuffix(parser, e.getExpectedTokens()), e);
    }

    @Override
    protected void reportFailedPredicate(Parser parser, FailedPredicateException e) {
        parser.notifyErrorListeners(e.getOffendingToken(), "unexpected " + describe(e.getOffendingToken()), e);
    }

    @Override
    protected void reportUnwantedToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        Token t = parser.getCurrentToken();
        parser.notifyErrorListeners(t, "unexpected " + describe(t) + expectedSuffix(parser, getExpectedTokens(parser)), null);
    }

    @Override
    protected void reportMissingToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        Token t = parser.getCurrentToken();
        IntervalSet expecting = getExpectedTokens(parser);
        parser.notifyErrorListeners(t, "missing " + names(parser, expecting) + " before " + describe(t), null);
    }

    static String describe(Token t) {
        if (t == null || t.getType() == Token.EOF) return "end of file";
        return switch (t.getType()) {
            case LinLexer.ID -> "name '" + t.getText() + "'";
            case LinLexer.INT, LinLexer.FLOAT -> "number " + t.getText();
            case LinLexer.STRING -> "string " + abbreviate(t.getText());
            default -> "'" + abbreviate(t.getText()) + "'";
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 17) + "..." : s;
    }

    private static String expectedSuffix(Parser parser, IntervalSet expected) {
        if (expected == null || expected.isNil()) return "";
        String names = names(parser, expected);
        return names.isEmpty() ? "" : ", expected " + names;
    }

    /** A short English list of what could come next, or a summary when the list is long. */
    private static String names(Parser parser, IntervalSet set) {
        List<String> names = new ArrayList<>();
        boolean expression = false;
        for (int type : set.toList()) {
            switch (type) {
                case LinLexer.INT, LinLexer.FLOAT, LinLexer.STRING -> expression = true;
                case LinLexer.ID -> names.add("a name");
                case Token.EOF -> names.add("end of file");
                default -> {
                    String literal = parser.getVocabulary().getLiteralName(type);
                    if (literal != null) names.add(literal);
                }
            }
        }
        if (expression) return "an expression";
        // 'state', 'block' and 'model' are also names; listing them beside "a name" only adds noise.
        if (names.contains("a name")) names.removeAll(java.util.List.of("'state'", "'block'", "'model'", "'time'"));
        if (names.size() > 6) return "";
        if (names.size() <= 1) return names.isEmpty() ? "" : names.getFirst();
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
    }
}
