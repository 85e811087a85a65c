package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.nodes.ControlFlowException;

/** Carries a {@code return} value out of loops and branches to the function's body node. */
public final class LinReturnException extends ControlFlowException {
    private static final long serialVersionUID = 1L;

    private final transient Object value;

    public LinReturnException(Object value) {
        this.value = value;
    }

    public Object value() { return value; }
}
