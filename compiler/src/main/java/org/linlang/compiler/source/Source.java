package org.linlang.compiler.source;

import java.util.Arrays;

/** The text of one .lin file (or REPL input) and the offsets of its lines, for line:col lookups. */
public final class Source {
    private final String path;
    private final String text;
    private final int[] lineStarts;

    public Source(String path, String text) {
        this.path = path;
        this.text = text;
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (n == starts.length) starts = Arrays.copyOf(starts, n * 2);
                starts[n++] = i + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, n);
    }

    public String path() { return path; }
    public String text() { return text; }
    public int lineCount() { return lineStarts.length; }

    /** 1-based line of a character offset. */
    public int line(int offset) {
        int i = Arrays.binarySearch(lineStarts, Math.max(0, Math.min(offset, text.length())));
        return (i >= 0 ? i : -i - 2) + 1;
    }

    /** 1-based column of a character offset. */
    public int column(int offset) {
        int clamped = Math.max(0, Math.min(offset, text.length()));
        return clamped - lineStarts[line(clamped) - 1] + 1;
    }

    /** The text of a 1-based line, without its line break. */
    public String lineText(int line) {
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') end--;
        return text.substring(start, Math.max(start, end));
    }

    @Override public String toString() { return path; }
}
