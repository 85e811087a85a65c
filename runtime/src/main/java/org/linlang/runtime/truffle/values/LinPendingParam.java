package org.linlang.runtime.truffle.values;

import org.linlang.runtime.tensor.DType;

/**
 * A tensor parameter of a block that has no {@code = init} and has not been read or loaded yet. It
 * becomes a deterministic random tensor when first read (seeded from its dotted path in the model,
 * which is only known once the enclosing blocks are built), or is replaced by {@code m.load(path)}
 * without ever being generated. Never visible to Lin code.
 */
public record LinPendingParam(long[] shape, DType dtype) {
    @Override public String toString() { return "<pending " + LinTensor.typeText(dtype, shape) + ">"; }
}
