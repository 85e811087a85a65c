package org.linlang.runtime.cpu;

/**
 * What the cpu engine refuses to run, in one sentence that names the op and why ("the cpu engine
 * cannot run recurrence rwkv7 in Foo.forward: it is general: …"). Never a silent fallback: a caller
 * that may use another engine ({@code --engine auto}) catches this and says so.
 */
public final class CpuEngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CpuEngineException(String message) {
        super(message);
    }
}
