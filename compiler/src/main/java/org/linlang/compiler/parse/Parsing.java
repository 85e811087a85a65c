package org.linlang.compiler.parse;

import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.source.Span;
import org.linlang.grammar.LinLexer;
import org.linlang.grammar.LinParser;

/** Source text → AST. Reports every lexical and syntax error it can recover from. */
public final class Parsing {
    /** Past this many, more syntax errors in one file say little that the first ones did not. */
    static final int MAX_SYNTAX_ERRORS = 25;

    private Parsing() {}

    /** The module, or null when the source has syntax errors (all of them are in {@code diags}). */
    public static Module parse(Source source, Diagnostics diags) {
        int before = diags.errorCount();
        var lexer = new LinLexer(CharStreams.fromString(source.text(), source.path()));
        lexer.removeErrorListeners();
        var tokens = new CommonTokenStream(lexer);
        tokens.fill();
        screenTokens(source, tokens, diags);
        tokens.seek(0); // the first token may have just been hidden

        var parser = new LinParser(tokens);
        parser.removeErrorListeners();
        parser.setErrorHandler(new SyntaxErrors());
        parser.addErrorListener(new BaseErrorListener() {
            int reported;

            @Override
            public void syntaxError(Recognizer<?, ?> r, Object offending, int line, int col, String msg, RecognitionException e) {
                Token t = (Token) offending;
                if (++reported > MAX_SYNTAX_ERRORS) {
                    diags.error(Code.E001, tokenSpan(source, t), "too many syntax errors; stopping here");
                    throw new ParseCancellationException();
                }
                diags.error(Code.E001, tokenSpan(source, t), msg);
            }
        });
        parser.getInterpreter().setPredictionMode(PredictionMode.LL);
        LinParser.FileContext tree;
        try {
            tree = parser.file();
        } catch (ParseCancellationException e) {
            return null;
        } catch (StackOverflowError e) {
            diags.error(Code.E001, new Span(source, 0, 0), "the program is nested too deeply to parse");
            return null;
        }
        if (diags.errorCount() > before) return null;
        return new AstBuilder(source, tokens, diags).file(tree);
    }

    /**
     * Reports tokens the lexer could only half-recognise (bad characters, unterminated strings and
     * comments) and hides them from the parser, so that one typo produces one error, not a cascade.
     */
    private static void screenTokens(Source source, CommonTokenStream tokens, Diagnostics diags) {
        int bad = 0;
        Token lastBad = null;
        for (Token t : tokens.getTokens()) {
            switch (t.getType()) {
                case LinLexer.BAD_CHAR -> {
                    // A binary or mis-encoded file would otherwise give one error per byte.
                    if (++bad <= MAX_SYNTAX_ERRORS) diags.error(Code.E004, tokenSpan(source, t), "invalid character " + printable(t.getText()));
                    lastBad = t;
                    ((CommonToken) t).setChannel(Token.HIDDEN_CHANNEL);
                }
                case LinLexer.UNTERMINATED_STRING -> {
                    diags.error(Code.E002, tokenSpan(source, t), "string is not closed before the end of the line");
                    ((CommonToken) t).setType(LinLexer.STRING);
                    ((CommonToken) t).setText(t.getText() + "\"");
                }
                case LinLexer.UNTERMINATED_COMMENT -> {
                    diags.error(Code.E003, new Span(source, t.getStartIndex(), t.getStartIndex() + 2),
                            "block comment is not closed: '/*' has no matching '*/'");
                    ((CommonToken) t).setChannel(Token.HIDDEN_CHANNEL);
                }
                default -> { }
            }
        }
        if (bad > MAX_SYNTAX_ERRORS) {
            diags.error(Code.E004, tokenSpan(source, lastBad), (bad - MAX_SYNTAX_ERRORS)
                    + " more invalid characters; is this a Lin source file in UTF-8?");
        }
    }

    private static String printable(String s) {
        int cp = s.codePointAt(0);
        if (cp < 0x20 || cp == 0x7f) return String.format("U+%04X", cp);
        return "'" + s + "' (U+" + String.format("%04X", cp) + ")";
    }

    static Span tokenSpan(Source source, Token t) {
        if (t == null || t.getType() == Token.EOF) {
            int end = source.text().length();
            // Point at the last character of the file rather than past it, so the caret is visible.
            int at = Math.max(0, end - (end > 0 && source.text().charAt(end - 1) == '\n' ? 1 : 0));
            return new Span(source, at, at);
        }
        return new Span(source, t.getStartIndex(), t.getStopIndex() + 1);
    }
}
