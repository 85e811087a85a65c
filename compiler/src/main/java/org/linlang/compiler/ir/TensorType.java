package org.linlang.compiler.ir;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Sym;

/**
 * The static type of a value of the graph: an element type and one {@link Dim} per axis. Sizes are
 * polynomials, so batch and length stay symbolic ({@code f32[B, T, 128]}) while everything the
 * model's parameters fix is a number.
 */
public record TensorType(DType dtype, List<Dim> dims) {
    public TensorType {
        if (dtype == null) throw new IllegalArgumentException("a graph value needs an element type");
        dims = List.copyOf(dims);
    }

    public static TensorType scalar(DType dtype) { return new TensorType(dtype, List.of()); }

    public int rank() { return dims.size(); }

    public Dim dim(int axis) { return dims.get(axis); }

    /** The number of elements. */
    public Dim count() {
        Dim c = Dim.of(1);
        for (Dim d : dims) c = c.times(d);
        return c;
    }

    /** The size in bytes. */
    public Dim bytes() { return count().times(Dim.of(bytesPer(dtype))); }

    public TensorType withDtype(DType d) { return new TensorType(d, dims); }

    public TensorType withDims(List<Dim> d) { return new TensorType(dtype, d); }

    public TensorType substitute(Map<Sym, Dim> binding) {
        return new TensorType(dtype, dims.stream().map(d -> d.substitute(binding)).toList());
    }

    public static long bytesPer(DType d) {
        return switch (d) {
            case F32, I32 -> 4;
            case F16, BF16 -> 2;
            case I64 -> 8;
            case BOOL -> 1;
        };
    }

    /** {@code f32[B, T, 128]}; a scalar is {@code f32[]}. */
    @Override public String toString() {
        return dtype.lin() + "[" + dims.stream().map(Dim::toString).collect(Collectors.joining(", ")) + "]";
    }
}
