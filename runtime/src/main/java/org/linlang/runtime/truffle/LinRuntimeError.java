package org.linlang.runtime.truffle;

import com.oracle.truffle.api.exception.AbstractTruffleException;
import com.oracle.truffle.api.nodes.Node;

/**
 * An error in a running Lin program (division by zero, index out of range, a construct the
 * interpreter does not support yet, ...). Carries the node where it happened, so embedders get the
 * line and column from {@code PolyglotException.getSourceLocation()} and the CLI prints it as
 * {@code file:line:col: error: message} with the source line and a caret.
 */
public final class LinRuntimeError extends AbstractTruffleException {
    private static final long serialVersionUID = 1L;

    public LinRuntimeError(String message, Node location) {
        super(message, location);
    }
}
