package org.linlang.runtime.cli;

/** An unexpected exception inside Lin: one line asking for a bug report, never a stack trace unless asked. */
final class BugReport {
    private BugReport() {}

    static int report(Throwable t, Io io) {
        // A PolyglotException's message already names the Java exception inside the engine.
        String what = t instanceof org.graalvm.polyglot.PolyglotException && t.getMessage() != null
                ? firstLine(t.getMessage())
                : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()));
        io.err().println("lin: internal error (" + what + "). This is a bug in Lin; please report it with the command"
                + " you ran" + (io.debug() ? "." : " (set LIN_DEBUG=1 to see the Java stack trace)."));
        if (io.debug()) t.printStackTrace(io.err());
        io.err().flush();
        return LinCli.EXIT_INTERNAL;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
