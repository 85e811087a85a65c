package org.linlang.runtime.truffle;

import com.oracle.truffle.api.exception.AbstractTruffleException;
import com.oracle.truffle.api.interop.ExceptionType;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import com.oracle.truffle.api.source.Source;
import com.oracle.truffle.api.source.SourceSection;
import java.util.List;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.diag.Severity;

/**
 * The front end rejected a source. The message is every diagnostic as the compiler prints them; the
 * location is the first error, so {@code PolyglotException.isSyntaxError()} and its source location
 * work for embedders.
 */
@ExportLibrary(InteropLibrary.class)
public final class LinParseError extends AbstractTruffleException {
    private static final long serialVersionUID = 1L;

    private final transient SourceSection location;
    private final transient List<Diagnostic> diagnostics;

    public LinParseError(Source source, List<Diagnostic> diagnostics) {
        super(DiagnosticPrinter.render(diagnostics).stripTrailing());
        this.diagnostics = List.copyOf(diagnostics);
        Diagnostic first = diagnostics.stream().filter(d -> d.severity() == Severity.ERROR).findFirst().orElse(null);
        SourceSection section = null;
        if (first != null && first.span().source().text().contentEquals(source.getCharacters())) {
            int start = Math.min(first.span().start(), source.getLength());
            int end = Math.min(first.span().end(), source.getLength());
            section = source.createSection(start, end - start);
        }
        this.location = section;
    }

    public List<Diagnostic> diagnostics() { return diagnostics; }

    @ExportMessage
    ExceptionType getExceptionType() { return ExceptionType.PARSE_ERROR; }

    @ExportMessage
    boolean hasSourceLocation() { return location != null; }

    @ExportMessage(name = "getSourceLocation")
    SourceSection sourceLocation() throws com.oracle.truffle.api.interop.UnsupportedMessageException {
        if (location == null) throw com.oracle.truffle.api.interop.UnsupportedMessageException.create();
        return location;
    }
}
