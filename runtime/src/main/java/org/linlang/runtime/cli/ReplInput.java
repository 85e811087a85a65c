package org.linlang.runtime.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.diag.Severity;
import org.linlang.compiler.parse.Parsing;
import org.linlang.compiler.source.Source;

/**
 * Whether the lines typed so far make a whole REPL input. Lin's newlines are not significant, so the
 * REPL joins lines while a bracket, brace or block comment is open ({@link State#OPEN}: blank lines
 * do not end it), and while the text stops in the middle of a statement or definition, such as
 * {@code let x =} or {@code fn f(x: int) -> int} ({@link State#UNFINISHED}: a blank line ends it, and
 * the parser's error is shown). A whole input that does not parse is {@link State#BROKEN}.
 */
final class ReplInput {
    private ReplInput() {}

    enum State { COMPLETE, OPEN, UNFINISHED, BROKEN }

    static State state(String text) {
        if (isCommand(text)) return State.COMPLETE;
        Deque<Character> open = new ArrayDeque<>();
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                int nl = text.indexOf('\n', i);
                if (nl < 0) break;
                i = nl;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) return State.OPEN;
                i = end + 1;
            } else if (c == '"') {
                // Strings end at their quote or, unterminated (an error the parser reports), at the line's end.
                for (i++; i < n && text.charAt(i) != '"' && text.charAt(i) != '\n'; i++) {
                    if (text.charAt(i) == '\\') i++;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                open.push(c);
            } else if (c == ')' || c == ']' || c == '}') {
                char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
                if (open.isEmpty() || open.peek() != expected) return State.BROKEN; // unbalanced: the parser says where
                open.pop();
            }
        }
        if (!open.isEmpty()) return State.OPEN;
        return parse(text);
    }

    /** A REPL command such as {@code :type x}: one line, never continued. */
    static boolean isCommand(String text) {
        return text.stripLeading().startsWith(":");
    }

    /** UNFINISHED when the parser stops at the end of the text expecting more, BROKEN for other syntax errors. */
    private static State parse(String text) {
        String trimmed = text.stripTrailing();
        if (trimmed.isEmpty()) return State.COMPLETE;
        var diags = new Diagnostics();
        try {
            Module ignored = Parsing.parse(new Source("<input>", text), diags);
        } catch (RuntimeException | StackOverflowError e) {
            return State.BROKEN; // the checker reports it properly
        }
        boolean broken = false;
        for (Diagnostic d : diags.all()) {
            if (d.severity() != Severity.ERROR) continue;
            if (d.span().start() >= trimmed.length()) return State.UNFINISHED;
            broken = true;
        }
        return broken ? State.BROKEN : State.COMPLETE;
    }
}
