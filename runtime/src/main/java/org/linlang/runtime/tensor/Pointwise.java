package org.linlang.runtime.tensor;

/**
 * Applies a kernel element by element to operands broadcast to one shape. Values travel through
 * Java arrays of at most {@link ChunkLoop#CHUNK} elements: read and converted from each operand's
 * dtype, computed by the kernel's own loop, then rounded and stored into a fresh contiguous tensor.
 * Two value domains exist: float (all floating types, computed in f32 or wider) and long (integers
 * and bool, computed exactly).
 */
final class Pointwise {
    interface FloatKernel { void apply(float[][] in, float[] out, int n); }

    interface LongKernel { void apply(long[][] in, long[] out, int n); }

    private Pointwise() {}

    static Tensor floats(DType outType, FloatKernel kernel, Tensor... inputs) {
        Tensor[] ops = operands(outType, inputs);
        Tensor out = ops[0];
        int size = ChunkLoop.runLength(out.numel());
        float[][] in = new float[inputs.length][size];
        float[] result = new float[size];
        ChunkLoop.run((at, step, n) -> {
            for (int k = 0; k < in.length; k++) {
                Storage.readFloats(ops[k + 1].storage, ops[k + 1].dtype, at[k + 1], step[k + 1], in[k], n);
            }
            kernel.apply(in, result, n);
            Storage.writeFloats(out.storage, outType, at[0], step[0], result, n);
        }, ops);
        return out;
    }

    static Tensor longs(DType outType, LongKernel kernel, Tensor... inputs) {
        Tensor[] ops = operands(outType, inputs);
        Tensor out = ops[0];
        int size = ChunkLoop.runLength(out.numel());
        long[][] in = new long[inputs.length][size];
        long[] result = new long[size];
        ChunkLoop.run((at, step, n) -> {
            for (int k = 0; k < in.length; k++) {
                Storage.readLongs(ops[k + 1].storage, ops[k + 1].dtype, at[k + 1], step[k + 1], in[k], n);
            }
            kernel.apply(in, result, n);
            Storage.writeLongs(out.storage, outType, at[0], step[0], result, n);
        }, ops);
        return out;
    }

    /** {output, inputs broadcast to the output's shape...}. */
    private static Tensor[] operands(DType outType, Tensor[] inputs) {
        long[][] shapes = new long[inputs.length][];
        for (int k = 0; k < inputs.length; k++) shapes[k] = inputs[k].shape;
        long[] shape = Shapes.broadcastShapes(shapes);
        Tensor[] ops = new Tensor[inputs.length + 1];
        ops[0] = Tensor.allocate(outType, shape);
        for (int k = 0; k < inputs.length; k++) ops[k + 1] = inputs[k].broadcastTo(shape);
        return ops;
    }
}
