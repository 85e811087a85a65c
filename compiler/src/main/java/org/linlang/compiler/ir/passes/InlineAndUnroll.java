package org.linlang.compiler.ir.passes;

import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.Pass;
import org.linlang.compiler.ir.lower.Lowering;

/**
 * Pass 1: replaces the call of the entry by its body, with every function and block call inlined,
 * every loop over ints unrolled, every host {@code if} decided, and each recurrence call one node
 * ({@link Lowering}). For {@code step} it also gives each recurrence its states as inputs and
 * outputs, marks what needs a cache as unsupported, and sets T = 1.
 */
public final class InlineAndUnroll implements Pass {
    @Override public String name() { return "inline-and-unroll"; }

    @Override public Graph run(Graph g) {
        if (g.nodes().stream().noneMatch(n -> n.op() == Op.CALL)) return g;
        return Lowering.expand(g);
    }
}
