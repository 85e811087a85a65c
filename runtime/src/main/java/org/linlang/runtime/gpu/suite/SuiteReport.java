package org.linlang.runtime.gpu.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One part's rows of the suite's table, appended to {@code results-PART.md} as each check ends (a part
 * killed by its timeout keeps the rows it wrote) and echoed to the log. A row is ok, FAIL, or skip
 * (with the reason in one sentence: a refusal or a missing package, not a failure of Lin).
 */
final class SuiteReport {
    private final Path file;
    private final PrintStream log;
    private boolean failed;

    SuiteReport(Path file, PrintStream log, String title) {
        this.file = file;
        this.log = log;
        append("\n## " + title + "\n\n| check | result | figure |\n|---|---|---|\n");
    }

    PrintStream log() { return log; }

    boolean failed() { return failed; }

    void row(String check, boolean ok, String figure) {
        if (!ok) failed = true;
        write(check, ok ? "ok" : "FAIL", figure);
    }

    void skip(String check, String reason) { write(check, "skip", reason); }

    /** A failed check from an exception: its one-line message in the table, the stack trace in the log. */
    void error(String check, Throwable e) {
        row(check, false, oneLine(String.valueOf(e)));
        e.printStackTrace(log);
    }

    static String oneLine(String s) {
        String t = s.replace('\n', ' ').replace('|', '/');
        return t.length() > 400 ? t.substring(0, 400) + "…" : t;
    }

    private void write(String check, String result, String figure) {
        append("| " + check + " | " + result + " | " + oneLine(figure) + " |\n");
        log.println(String.format("%-5s %s  %s", result, check, figure));
    }

    private void append(String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
