package org.linlang.compiler.ir;

/** One step of the middle end: a graph in, a graph out. Each pass lives in its own file under {@code ir.passes}. */
public interface Pass {
    /** The name printed before the IR it produced ({@code canonicalize}). */
    String name();

    Graph run(Graph g);
}
