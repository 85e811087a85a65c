package org.linlang.compiler.ir;

/**
 * A program the middle end cannot turn into a graph (a loop bound known only at run time, a host
 * value read from a tensor, …), or a graph that breaks a rule of the IR (reported by the verifier).
 */
public final class IrException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IrException(String message) {
        super(message);
    }
}
