package org.linlang.runtime.truffle;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.TruffleLanguage.Env;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.linlang.runtime.truffle.session.LinSession;

/** Per-context state: where {@code print} writes (the polyglot context's standard output). */
public final class LinContext {
    private final Env env;
    private final OutputStream out;

    private final org.linlang.runtime.truffle.engine.CompiledCalls compiledCalls;

    LinContext(Env env) {
        this.env = env;
        this.out = env.out();
        var engine = org.linlang.runtime.truffle.engine.Engine.parse(env.getOptions().get(LinLanguage.Engine));
        this.compiledCalls = engine == org.linlang.runtime.truffle.engine.Engine.INTERP ? null
                : new org.linlang.runtime.truffle.engine.CompiledCalls(engine, new java.io.PrintStream(env.err(), true, StandardCharsets.UTF_8));
    }

    /** Where block and model calls go when an engine other than interp runs them; null on interp. */
    public org.linlang.runtime.truffle.engine.CompiledCalls compiledCalls() { return compiledCalls; }

    public Env env() { return env; }

    private LinSession session;

    /** The REPL and embedding session of this context: what its inputs defined (made on first use). */
    public LinSession session() {
        if (session == null) session = new LinSession(env);
        return session;
    }

    /** How many block methods are running now: 0 means a call comes from outside every block. */
    private int blockCallDepth;

    /** Enters a block method; returns the depth before it (0: the outermost call). */
    public int enterBlockCall() { return blockCallDepth++; }

    public void exitBlockCall() { blockCallDepth--; }

    /** Whether a block method is running now (a call from inside it keeps a plain instance's states). */
    public boolean insideBlockCall() { return blockCallDepth > 0; }

    /** Writes one line to standard output and flushes it, so it interleaves correctly with stderr. */
    @TruffleBoundary
    public void printLine(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new LinRuntimeError("cannot write to standard output: " + e.getMessage(), null);
        }
    }
}
