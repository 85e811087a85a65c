package org.linlang.runtime.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.values.LinTensor;

/** Java values in, as Lin values: numbers, strings, booleans, Java arrays, memory segments and tensors. */
final class HostValues {
    private HostValues() {}

    static Object[] toLin(Object[] args) {
        Object[] out = new Object[args.length];
        for (int i = 0; i < args.length; i++) out[i] = toLin(args[i]);
        return out;
    }

    static Object toLin(Object arg) {
        return switch (arg) {
            case null -> throw new IllegalArgumentException("Lin has no null; pass a value");
            case LinValue v -> v.polyglotValue();
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case Double d -> d;
            case Float f -> (double) f;
            case Boolean b -> b;
            case String s -> s;
            case Tensor t -> new LinTensor(t);
            case float[] a -> new LinTensor(Creation.of(a, a.length));
            case double[] a -> new LinTensor(Creation.of(a, a.length));
            case int[] a -> new LinTensor(Creation.of(a, a.length));
            case long[] a -> new LinTensor(Creation.of(a, a.length));
            case MemorySegment m -> new LinTensor(tensor(m, m.byteSize() / Float.BYTES));
            default -> throw new IllegalArgumentException("Lin cannot take a " + arg.getClass().getName()
                    + "; pass numbers, strings, booleans, float[], double[], int[], long[], MemorySegments, tensors (Lin.tensor) or LinValues");
        };
    }

    /** A tensor over {@code data} (f32 elements in C order, little-endian), sharing its memory. */
    static Tensor tensor(MemorySegment data, long... shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        if (data.byteSize() != n * Float.BYTES) {
            throw new IllegalArgumentException("a tensor of shape " + java.util.Arrays.toString(shape) + " needs " + n * Float.BYTES
                    + " bytes of f32 elements, the segment has " + data.byteSize());
        }
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        return Tensor.wrap(data, DType.F32, shape, strides, 0);
    }

    /** Elements of a tensor's bytes (C order, little-endian, of {@code dtype}) as doubles. */
    static double[] decode(byte[] bytes, String dtype) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case "f32" -> { double[] out = new double[bytes.length / 4]; for (int i = 0; i < out.length; i++) out[i] = b.getFloat(4 * i); yield out; }
            case "f16" -> { double[] out = new double[bytes.length / 2]; for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(b.getShort(2 * i)); yield out; }
            case "bf16" -> { double[] out = new double[bytes.length / 2]; for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16); yield out; }
            case "i32" -> { double[] out = new double[bytes.length / 4]; for (int i = 0; i < out.length; i++) out[i] = b.getInt(4 * i); yield out; }
            case "i64" -> { double[] out = new double[bytes.length / 8]; for (int i = 0; i < out.length; i++) out[i] = b.getLong(8 * i); yield out; }
            case "bool" -> { double[] out = new double[bytes.length]; for (int i = 0; i < out.length; i++) out[i] = bytes[i] != 0 ? 1 : 0; yield out; }
            default -> throw new IllegalStateException("a tensor of unknown element type " + dtype);
        };
    }

    static float[] decodeFloats(byte[] bytes, String dtype) {
        if (dtype.equals("f32")) {
            float[] out = new float[bytes.length / 4];
            MemorySegment.copy(MemorySegment.ofArray(bytes), ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, out, 0, out.length);
            return out;
        }
        double[] d = decode(bytes, dtype);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
        return out;
    }
}
