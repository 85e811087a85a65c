package org.linlang.runtime.api;

import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.linlang.runtime.truffle.values.LinFormat;

/**
 * A value a Lin program produced: a number, bool, string, list, tuple, tensor, function or
 * {@code none}. Read it with the {@code as…} methods; a tensor also gives its {@link #shape()} and
 * {@link #dtype()}, and its elements in C order with {@link #asFloatArray()}. Valid while its
 * {@link Lin} is open.
 */
public final class LinValue {
    private final Value value;

    LinValue(Value value) {
        this.value = value;
    }

    /** The polyglot value underneath, for what this class does not offer. */
    public Value polyglotValue() { return value; }

    public boolean isNone() { return value.isNull(); }

    public boolean isBoolean() { return value.isBoolean(); }

    public boolean isString() { return value.isString(); }

    /** An int or a float. */
    public boolean isNumber() { return value.isNumber(); }

    /** A Lin {@code int} (not a float that happens to be whole). */
    public boolean isInt() { return value.isNumber() && value.as(Object.class) instanceof Long; }

    public boolean isTensor() {
        return value.hasBufferElements() && value.hasMember("shape") && value.hasMember("dtype");
    }

    /** A list or a tuple (tensors are not lists, though they can be read as arrays too). */
    public boolean isList() { return value.hasArrayElements() && !isTensor(); }

    public boolean isFunction() { return value.canExecute(); }

    public long asLong() {
        if (value.fitsInLong()) return value.asLong();
        throw new IllegalStateException("not an int: " + this);
    }

    public double asDouble() {
        if (value.fitsInDouble()) return value.asDouble();
        throw new IllegalStateException("not a number: " + this);
    }

    public boolean asBoolean() {
        if (value.isBoolean()) return value.asBoolean();
        throw new IllegalStateException("not a bool: " + this);
    }

    public String asString() {
        if (value.isString()) return value.asString();
        throw new IllegalStateException("not a string: " + this);
    }

    /** The elements of a list or tuple. */
    public List<LinValue> asList() {
        if (!value.hasArrayElements()) throw new IllegalStateException("not a list: " + this);
        List<LinValue> out = new ArrayList<>();
        for (long i = 0; i < value.getArraySize(); i++) out.add(new LinValue(value.getArrayElement(i)));
        return out;
    }

    /** A tensor's shape; {@code []} for a number; the sizes of nested lists of numbers. */
    public long[] shape() {
        if (isTensor()) {
            Value s = value.getMember("shape");
            long[] out = new long[(int) s.getArraySize()];
            for (int i = 0; i < out.length; i++) out[i] = s.getArrayElement(i).asLong();
            return out;
        }
        if (value.isNumber() || value.isBoolean()) return new long[0];
        if (value.hasArrayElements()) {
            List<Long> dims = new ArrayList<>();
            for (Value v = value; v.hasArrayElements(); v = v.getArrayElement(0)) {
                dims.add(v.getArraySize());
                if (v.getArraySize() == 0) break;
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }
        throw new IllegalStateException("has no shape: " + this);
    }

    /** A tensor's element type as Lin writes it ({@code f32}, {@code bf16}, {@code i64}, …). */
    public String dtype() {
        if (!isTensor()) throw new IllegalStateException("not a tensor: " + this);
        return value.getMember("dtype").asString();
    }

    /**
     * A tensor's elements in C order (converted from its element type), a number as one element, or the
     * numbers of (nested) lists in order.
     */
    public float[] asFloatArray() {
        if (isTensor()) return HostValues.decodeFloats(bytes(), dtype());
        double[] d = asDoubleArray();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
        return out;
    }

    /** Like {@link #asFloatArray()}, in doubles. */
    public double[] asDoubleArray() {
        if (isTensor()) return HostValues.decode(bytes(), dtype());
        List<Double> out = new ArrayList<>();
        flatten(value, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(Value v, List<Double> out) {
        if (v.isNumber()) out.add(v.asDouble());
        else if (v.isBoolean()) out.add(v.asBoolean() ? 1.0 : 0.0);
        else if (v.hasArrayElements()) for (long i = 0; i < v.getArraySize(); i++) flatten(v.getArrayElement(i), out);
        else throw new IllegalStateException("not numbers: " + v);
    }

    private byte[] bytes() {
        byte[] bytes = new byte[Math.toIntExact(value.getBufferSize())];
        value.readBuffer(0, bytes, 0, bytes.length);
        return bytes;
    }

    /**
     * Calls a Lin function with positional arguments: numbers, strings, booleans, Java arrays
     * ({@code float[]} is a vector), {@code MemorySegment}s of f32, tensors ({@link Lin#tensor}) or
     * other {@code LinValue}s.
     */
    public LinValue call(Object... args) {
        if (!value.canExecute()) throw new IllegalStateException("not a function: " + this);
        try {
            return new LinValue(value.execute(HostValues.toLin(args)));
        } catch (PolyglotException e) {
            throw LinException.of(e);
        }
    }

    /**
     * Calls a method of a block or model instance ({@code m.step(x)}, {@code m.session()},
     * {@code s.reset()}) with positional arguments, converted as for {@link #call}. Calling the
     * instance itself ({@link #call}) runs its forward method.
     */
    public LinValue invoke(String method, Object... args) {
        if (!value.canInvokeMember(method)) throw new IllegalStateException(this + " has no method '" + method + "'");
        try {
            return new LinValue(value.invokeMember(method, HostValues.toLin(args)));
        } catch (PolyglotException e) {
            throw LinException.of(e);
        }
    }

    /**
     * A session of a block or model instance: the same weights (shared, not copied) and its own
     * states, which persist across calls ({@code prefill, then one token at a time}) until
     * {@code session.invoke("reset")}. The instance itself stays pure: each call starts empty.
     */
    public LinValue session() { return invoke("session"); }

    /** As Lin shows the value: strings quoted, floats in their shortest form. */
    @Override
    public String toString() {
        if (value.isString()) return LinFormat.repr(value.asString());
        if (value.isNumber()) {
            Object o = value.as(Object.class);
            if (o instanceof Long || o instanceof Double) return LinFormat.repr(o);
        }
        return value.toString();
    }
}
