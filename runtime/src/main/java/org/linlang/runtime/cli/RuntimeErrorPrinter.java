package org.linlang.runtime.cli;

import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.source.Span;

/**
 * Prints an error that stopped a running Lin program in the compiler's format:
 * <pre>
 * div.lin:3:9: error: division by zero
 *     3 | let y = x / 0
 *       |         ^^^^^
 * div.lin:7:1: note: called from here
 *     7 | print(f(1))
 *       |       ^^^^
 * </pre>
 * The notes walk up the Lin call stack (at most {@value #MAX_CALL_NOTES} of them).
 */
final class RuntimeErrorPrinter {
    static final int MAX_CALL_NOTES = 5;
    /** 128 + SIGPIPE, what a shell reports for a process stopped by a closed pipe. */
    static final int EXIT_BROKEN_PIPE = 141;

    private RuntimeErrorPrinter() {}

    /** Prints {@code e} and returns the exit status for it. */
    static int report(PolyglotException e, Io io) {
        if (e.isExit()) return e.getExitStatus();
        if (e.isInterrupted() || e.isCancelled()) {
            io.err().println("lin: interrupted");
            return 130;
        }
        if (CheckedOutput.failed(io.out())) {
            // Standard output was closed under the program (`lin run x.lin | head`): stop quietly, like
            // other tools killed by SIGPIPE.
            return EXIT_BROKEN_PIPE;
        }
        if (e.isInternalError() || e.isHostException()) return BugReport.report(e, io);
        if (e.isSyntaxError()) {
            io.err().println(e.getMessage());
            return LinCli.EXIT_ERRORS;
        }
        io.err().print(render(e));
        io.err().flush();
        return LinCli.EXIT_ERRORS;
    }

    static String render(PolyglotException e) {
        String message = e.isResourceExhausted()
                ? "the program ran out of " + (isStackOverflow(e) ? "stack (is a function calling itself without end?)" : "memory")
                : e.getMessage();
        // Where it happened, then the calls that led there (innermost first).
        List<SourceSection> places = new ArrayList<>();
        SourceSection at = e.getSourceLocation();
        if (at != null) places.add(at);
        boolean skippedOwnFrame = at == null;
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            if (!frame.isGuestFrame()) continue;
            SourceSection location = frame.getSourceLocation();
            if (!skippedOwnFrame) {
                // The first guest frame is the one the error happened in; its location is `at`.
                skippedOwnFrame = true;
                continue;
            }
            // A builtin called as a value reports its error at the call, which is also where its
            // caller's frame stands: show each place once.
            if (location != null && !location.equals(places.isEmpty() ? null : places.getLast())) places.add(location);
        }
        var out = new StringBuilder();
        if (places.isEmpty()) {
            out.append("error: ").append(message).append('\n');
            return out.toString();
        }
        Span span = span(places.getFirst());
        out.append(span).append(": error: ").append(message).append('\n');
        DiagnosticPrinter.excerpt(out, span);
        int notes = Math.min(places.size() - 1, MAX_CALL_NOTES);
        for (int i = 1; i <= notes; i++) {
            Span call = span(places.get(i));
            out.append(call).append(": note: called from here\n");
            DiagnosticPrinter.excerpt(out, call);
        }
        if (places.size() - 1 > notes) {
            out.append("  = note: … and ").append(places.size() - 1 - notes).append(" more calls\n");
        }
        return out.toString();
    }

    private static boolean isStackOverflow(PolyglotException e) {
        String m = e.getMessage();
        return m == null || m.contains("StackOverflow") || m.toLowerCase(java.util.Locale.ROOT).contains("stack");
    }

    private static Span span(SourceSection section) {
        var source = section.getSource();
        String path = source.getPath() != null ? source.getPath() : source.getName();
        var text = new Source(path, source.getCharacters().toString());
        int start = section.hasCharIndex() ? section.getCharIndex() : 0;
        int end = section.hasCharIndex() ? section.getCharEndIndex() : 0;
        return new Span(text, start, end);
    }
}
