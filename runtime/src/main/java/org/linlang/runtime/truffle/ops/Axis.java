package org.linlang.runtime.truffle.ops;

import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * How an {@code axis = …} argument designates an axis, decided when the program is translated:
 * <ul>
 *   <li>{@link Mode#FIXED}: the checker's types say which axis a dimension name is ({@code axis = D}
 *       for {@code x: [.., D]} is the last axis, -1), whatever D's value is;
 *   <li>{@link Mode#INDEX}: the value is an index; negative values count from the end;
 *   <li>{@link Mode#SIZE}: the value is a dimension's size whose position the types do not tell (a
 *       dynamic value): the one axis of that size, or an error if none or several have it.
 * </ul>
 */
public record Axis(Mode mode, int fixed) {
    public enum Mode { FIXED, INDEX, SIZE }

    public static final Axis INDEX = new Axis(Mode.INDEX, 0);
    public static final Axis SIZE = new Axis(Mode.SIZE, 0);

    public static Axis fixed(int axis) { return new Axis(Mode.FIXED, axis); }

    /** The axis in {@code [0, rank)} for a tensor of {@code shape}; {@code value} is the argument's value. */
    public int resolve(long[] shape, int rank, Object value) {
        long a;
        switch (mode) {
            case FIXED -> a = fixed;
            case SIZE -> {
                long size = asLong(value);
                int found = -1;
                int count = 0;
                for (int i = 0; i < shape.length; i++) {
                    if (shape[i] == size) {
                        if (found < 0) found = i;
                        count++;
                    }
                }
                if (count == 1) return found;
                throw new IllegalArgumentException(count == 0
                        ? "no axis of " + LinTensor.shapeText(shape) + " has size " + size
                        : "axis = " + size + " is ambiguous: " + count + " axes of " + LinTensor.shapeText(shape) + " have that size; give the axis as an index");
            }
            default -> a = asLong(value);
        }
        long r = a < 0 ? a + rank : a;
        if (r < 0 || r >= rank) {
            throw new IllegalArgumentException("axis " + a + " is out of range for a tensor of shape " + LinTensor.shapeText(shape));
        }
        return (int) r;
    }

    /** An int argument (an int, or a 0-d integer tensor). */
    public static long asLong(Object value) {
        if (value instanceof Long l) return l;
        if (value instanceof LinTensor t && t.rank() == 0 && !t.dtype().isFloat()) return t.tensor().getLong();
        throw new IllegalArgumentException("an axis must be an int, got " + LinValues.typeName(value));
    }
}
