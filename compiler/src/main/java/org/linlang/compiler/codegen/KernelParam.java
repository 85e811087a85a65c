package org.linlang.compiler.codegen;

import org.linlang.compiler.ir.Node;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * One parameter of a generated kernel, in signature order: a device buffer bound to a value of the
 * graph (or, for kernels made from a {@link RecurrenceSpec}, to a role name such as {@code q}), or a
 * size ({@code i64}) bound to a symbolic dimension such as {@code T}.
 *
 * @param name    the parameter's name in the source
 * @param size    true for a size, false for a buffer
 * @param dtype   the buffer's element type in memory (null for a size)
 * @param node    the graph value the buffer holds (null for a size or a spec kernel)
 * @param written whether the kernel writes the buffer
 * @param dim     the size a size parameter stands for, over the graph's symbols (null for a buffer)
 */
public record KernelParam(String name, boolean size, DType dtype, Node node, boolean written, Dim dim) {
    public static KernelParam buffer(String name, DType dtype, Node node, boolean written) {
        return new KernelParam(name, false, dtype, node, written, null);
    }

    public static KernelParam sizeOf(String name, Dim dim) { return new KernelParam(name, true, null, null, false, dim); }

    /** The C type of the parameter, over the prelude's names. */
    String declaration() {
        if (size) return "i64 " + name;
        String t = CTypes.memory(dtype);
        return (written ? "GLOBAL " : "GLOBAL const ") + t + "* " + name;
    }
}
