/**
 * The passes of the middle end, one per file, in the order {@link org.linlang.compiler.ir.Pipeline#standard()}
 * runs them: inline and unroll, canonicalize, classify recurrences, group fusible ops, plan buffers.
 */
package org.linlang.compiler.ir.passes;
