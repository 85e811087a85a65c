/**
 * Pass 1's evaluator: lowers a checked program's entry to graph nodes, computing host values now
 * (so calls inline, loops unroll and branches are chosen) and deriving {@code step} from
 * {@code forward}. Entry points: {@link org.linlang.compiler.ir.lower.Lowering#initialGraph} and
 * {@link org.linlang.compiler.ir.lower.Lowering#expand}.
 */
package org.linlang.compiler.ir.lower;
