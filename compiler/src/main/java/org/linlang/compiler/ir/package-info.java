/**
 * The middle end: the Graph IR of one entry point of a checked program, and the passes that turn
 * it into a graph of kernels (docs/graph-ir.md).
 *
 * <p>Entry point: {@link org.linlang.compiler.ir.KernelGraph#build}. The IR: {@link org.linlang.compiler.ir.Graph}
 * of {@link org.linlang.compiler.ir.Node}s typed by {@link org.linlang.compiler.ir.OpRules};
 * {@link org.linlang.compiler.ir.Pipeline} runs the passes of {@code ir.passes} with the
 * {@link org.linlang.compiler.ir.Verifier} between them; {@link org.linlang.compiler.ir.Printer},
 * {@link org.linlang.compiler.ir.KernelPrinter} and {@link org.linlang.compiler.ir.DotPrinter} print it.
 */
package org.linlang.compiler.ir;
