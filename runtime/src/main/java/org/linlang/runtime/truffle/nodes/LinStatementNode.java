package org.linlang.runtime.truffle.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;

/** A node executed for its effect: {@code let}, assignment, loops, {@code if}, {@code return}. */
public abstract class LinStatementNode extends LinNode {
    public abstract void executeVoid(VirtualFrame frame);
}
