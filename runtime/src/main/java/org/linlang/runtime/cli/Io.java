package org.linlang.runtime.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/** Where the CLI reads and writes, and the environment it sees; tests pass their own. */
public record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    public static Io system() {
        return new Io(System.in, System.out, System.err, System.getenv());
    }

    /** {@code LIN_DEBUG=1}: show Java stack traces of internal errors. */
    public boolean debug() {
        String v = env.get("LIN_DEBUG");
        return v != null && !v.isEmpty() && !v.equals("0");
    }
}
