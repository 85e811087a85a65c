package org.linlang.runtime.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The program's standard output. A {@link PrintStream} hides write errors; this stream reports them,
 * so that a script printing into a closed pipe ({@code lin run x.lin | head -1}) stops instead of
 * running on.
 */
final class CheckedOutput extends OutputStream {
    private final PrintStream out;

    CheckedOutput(PrintStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        if (out.checkError()) throw new IOException("standard output is closed");
    }

    /** Whether writing to standard output has failed (e.g. the reading end of a pipe was closed). */
    static boolean failed(PrintStream out) {
        return out.checkError();
    }
}
