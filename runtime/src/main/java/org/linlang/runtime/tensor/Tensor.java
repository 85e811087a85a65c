package org.linlang.runtime.tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array: a dtype, a shape and strides over a shared {@link MemorySegment}.
 *
 * <p>The shape of a tensor never changes; its elements may ({@link #set}, {@link #copyFrom}). Slicing,
 * indexing, transposing, broadcasting and reshaping a contiguous tensor return views that share the
 * storage, as in numpy. Element {@code (i0, i1, ...)} lives at element offset
 * {@code offset + i0 * strides[0] + i1 * strides[1] + ...} of {@link #storage()}; strides may be zero
 * (broadcast) or negative (reversed slices). Operations live in {@link Elementwise},
 * {@link Reductions}, {@link LinAlg}, {@link Shapes} and {@link Creation}.
 */
public final class Tensor {
    final DType dtype;
    final long[] shape;
    final long[] strides;
    final long offset;
    final MemorySegment storage;

    Tensor(DType dtype, long[] shape, long[] strides, long offset, MemorySegment storage) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Layout.format(shape) + " and strides " + Layout.format(strides) + " differ in rank");
        }
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.storage = storage;
        checkBounds();
    }

    /**
     * A tensor over existing memory (an engine's buffer, a mapped file). The memory must hold every
     * element the shape, strides and offset reach, encoded as {@link Storage} describes.
     */
    public static Tensor wrap(MemorySegment storage, DType dtype, long[] shape, long[] strides, long offset) {
        return new Tensor(dtype, shape.clone(), strides.clone(), offset, storage);
    }

    /** A fresh zero-filled contiguous tensor. */
    static Tensor allocate(DType dtype, long... shape) {
        long[] s = shape.clone();
        return new Tensor(dtype, s, Layout.contiguousStrides(s), 0, Storage.allocate(dtype, Layout.numel(s)));
    }

    private void checkBounds() {
        long lo = offset, hi = offset;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) return; // no element is ever read
            long reach = Math.multiplyExact(strides[i], shape[i] - 1);
            if (reach < 0) lo += reach; else hi += reach;
        }
        long capacity = storage.byteSize() / dtype.byteSize();
        if (lo < 0 || hi >= capacity) {
            throw new IllegalArgumentException("shape " + Layout.format(shape) + ", strides " + Layout.format(strides) + " and offset "
                    + offset + " reach elements [" + lo + ", " + hi + "] outside storage of " + capacity + " " + dtype.lin() + " elements");
        }
    }

    // ---- description -------------------------------------------------------------------------

    public DType dtype() { return dtype; }

    public long[] shape() { return shape.clone(); }

    /** Strides in elements (not bytes). */
    public long[] strides() { return strides.clone(); }

    /** Offset of element (0, 0, ...) in {@link #storage()}, in elements. */
    public long offset() { return offset; }

    /** The whole backing memory, shared with every view of it; little-endian. */
    public MemorySegment storage() { return storage; }

    public int rank() { return shape.length; }

    /** The size of one axis; negative axes count from the end. */
    public long dim(int axis) { return shape[Layout.axis(axis, shape.length)]; }

    public long numel() { return Layout.numel(shape); }

    /** True when the elements are laid out densely in C order (axes of size 1 may have any stride). */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 0) return true;
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** Memory-mapped files are read-only: {@link #copy()} them to modify. */
    public boolean isReadOnly() { return storage.isReadOnly(); }

    /** True when both tensors reach into the same memory (views of one another, or overlapping). */
    public boolean sharesStorageWith(Tensor other) {
        return storage.asOverlappingSlice(other.storage).isPresent();
    }

    // ---- single elements ----------------------------------------------------------------------

    public double get(long... index) { return Storage.getDouble(storage, dtype, elementOffset(index)); }

    /** Exact for i64 values beyond 2^53, which {@link #get} would round. */
    public long getLong(long... index) { return Storage.getLong(storage, dtype, elementOffset(index)); }

    public void set(double value, long... index) {
        checkWritable();
        Storage.setDouble(storage, dtype, elementOffset(index), value);
    }

    public void setLong(long value, long... index) {
        checkWritable();
        Storage.setLong(storage, dtype, elementOffset(index), value);
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new IllegalArgumentException("item() needs exactly one element, not shape " + Layout.format(shape));
        return Storage.getDouble(storage, dtype, offset);
    }

    private long elementOffset(long[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(index.length + " indices for a tensor of rank " + shape.length);
        }
        long at = offset;
        for (int i = 0; i < index.length; i++) at += position(index[i], i) * strides[i];
        return at;
    }

    private long position(long index, int axis) {
        long p = index < 0 ? index + shape[axis] : index;
        if (p < 0 || p >= shape[axis]) {
            throw new IndexOutOfBoundsException("index " + index + " is out of bounds for axis " + axis + " with size " + shape[axis]);
        }
        return p;
    }

    private void checkWritable() {
        if (isReadOnly()) throw new IllegalStateException("tensor is read-only (memory-mapped from a file); copy() it first");
    }

    // ---- views ---------------------------------------------------------------------------------

    /** numpy basic indexing; see {@link Index}. Axes not mentioned are kept whole. */
    public Tensor index(Index... items) {
        int consumed = 0, ellipses = 0;
        for (Index item : items) {
            if (item instanceof Index.At || item instanceof Index.Range) consumed++;
            if (item instanceof Index.Ellipsis) ellipses++;
        }
        if (ellipses > 1) throw new IllegalArgumentException("an index can only have a single ellipsis");
        if (consumed > shape.length) {
            throw new IllegalArgumentException("too many indices: " + consumed + " for a tensor of rank " + shape.length);
        }
        List<long[]> axes = new ArrayList<>(); // {size, stride}
        long off = offset;
        int ax = 0;
        for (Index item : items) {
            switch (item) {
                case Index.At at -> {
                    off += position(at.position(), ax) * strides[ax];
                    ax++;
                }
                case Index.Range range -> {
                    long[] r = range.resolve(shape[ax]);
                    if (r[1] > 0) off += r[0] * strides[ax];
                    axes.add(new long[] {r[1], strides[ax] * r[2]});
                    ax++;
                }
                case Index.NewAxis n -> axes.add(new long[] {1, 0});
                case Index.Ellipsis e -> {
                    for (int k = shape.length - consumed; k > 0; k--, ax++) axes.add(new long[] {shape[ax], strides[ax]});
                }
            }
        }
        for (; ax < shape.length; ax++) axes.add(new long[] {shape[ax], strides[ax]});
        long[] newShape = new long[axes.size()], newStrides = new long[axes.size()];
        for (int i = 0; i < newShape.length; i++) {
            newShape[i] = axes.get(i)[0];
            newStrides[i] = axes.get(i)[1];
        }
        return new Tensor(dtype, newShape, newStrides, off, storage);
    }

    /** The sub-tensor at one position of an axis; the axis disappears. */
    public Tensor select(int axis, long position) {
        int a = Layout.axis(axis, shape.length);
        Index[] items = new Index[a + 1];
        Arrays.fill(items, Index.all());
        items[a] = Index.at(position);
        return index(items);
    }

    /** {@code start:stop:step} along one axis, with Python's rules (see {@link Index.Range}). */
    public Tensor slice(int axis, long start, long stop, long step) {
        int a = Layout.axis(axis, shape.length);
        Index[] items = new Index[a + 1];
        Arrays.fill(items, Index.all());
        items[a] = Index.range(start, stop, step);
        return index(items);
    }

    /** Reorders the axes: axis {@code i} of the result is axis {@code order[i]} of this tensor. */
    public Tensor permute(int... order) {
        if (order.length != shape.length) {
            throw new IllegalArgumentException("permute needs " + shape.length + " axes, got " + Arrays.toString(order));
        }
        boolean[] seen = new boolean[shape.length];
        long[] s = new long[shape.length], st = new long[shape.length];
        for (int i = 0; i < order.length; i++) {
            int a = Layout.axis(order[i], shape.length);
            if (seen[a]) throw new IllegalArgumentException("permute: axis " + order[i] + " is repeated in " + Arrays.toString(order));
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return new Tensor(dtype, s, st, offset, storage);
    }

    /** Swaps two axes. */
    public Tensor transpose(int axis0, int axis1) {
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int a = Layout.axis(axis0, shape.length), b = Layout.axis(axis1, shape.length);
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Reverses all axes, like numpy's {@code .T}. */
    public Tensor transpose() {
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) order[i] = shape.length - 1 - i;
        return permute(order);
    }

    /** Same elements in C order, new shape; one dimension may be -1. A view when this tensor is contiguous, else a copy. */
    public Tensor reshape(long... newShape) {
        long[] s = newShape.clone();
        long known = 1;
        int free = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1 && free < 0) free = i;
            else if (s[i] < 0) throw new IllegalArgumentException("cannot reshape to " + Layout.format(newShape) + ": bad dimension " + s[i]);
            else known = Math.multiplyExact(known, s[i]);
        }
        long n = numel();
        if (free >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Layout.format(shape) + " (" + n + " elements) to " + Layout.format(newShape));
            }
            s[free] = n / known;
        } else if (known != n) {
            throw new IllegalArgumentException("cannot reshape " + Layout.format(shape) + " (" + n + " elements) to "
                    + Layout.format(newShape) + " (" + known + " elements)");
        }
        Tensor source = contiguous();
        return new Tensor(dtype, s, Layout.contiguousStrides(s), source.offset, source.storage);
    }

    /** A read-as-if-repeated view with numpy's broadcasting rules: repeated axes get stride 0. */
    public Tensor broadcastTo(long... target) {
        if (target.length < shape.length) {
            throw new IllegalArgumentException("cannot broadcast " + Layout.format(shape) + " to " + Layout.format(target) + ": fewer dimensions");
        }
        long[] s = target.clone(), st = new long[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < target.length; i++) {
            if (target[i] < 0) throw new IllegalArgumentException("cannot broadcast to " + Layout.format(target) + ": negative dimension");
            if (i < lead) continue; // a new leading axis: stride 0
            long d = shape[i - lead];
            if (d == target[i]) st[i] = strides[i - lead];
            else if (d != 1) {
                throw new IllegalArgumentException("cannot broadcast " + Layout.format(shape) + " to " + Layout.format(target)
                        + ": dimension " + (i - lead) + " is " + d + ", expected 1 or " + target[i]);
            }
        }
        return new Tensor(dtype, s, st, offset, storage);
    }

    /** Inserts an axis of size 1 at {@code axis} (an axis of the result). */
    public Tensor unsqueeze(int axis) {
        int a = Layout.axis(axis, shape.length + 1);
        Index[] items = new Index[a + 1];
        Arrays.fill(items, Index.all());
        items[a] = Index.newAxis();
        return index(items);
    }

    /** Removes an axis of size 1. */
    public Tensor squeeze(int axis) {
        int a = Layout.axis(axis, shape.length);
        if (shape[a] != 1) throw new IllegalArgumentException("cannot squeeze axis " + axis + " of size " + shape[a]);
        return select(a, 0);
    }

    // ---- copies --------------------------------------------------------------------------------

    /** This tensor if it is contiguous, else a contiguous copy. */
    public Tensor contiguous() { return isContiguous() ? this : copy(); }

    /** A fresh contiguous tensor with the same elements. */
    public Tensor copy() { return converted(dtype); }

    /** This tensor if it already has the type, else a converted contiguous copy (see {@link Storage} for rounding). */
    public Tensor to(DType type) { return type == dtype ? this : converted(type); }

    private Tensor converted(DType type) {
        Tensor out = allocate(type, shape);
        out.copyFrom(this);
        return out;
    }

    /** Writes {@code source}, broadcast to this shape and converted to this dtype, into these elements. */
    public void copyFrom(Tensor source) {
        checkWritable();
        Tensor broadcast = source.broadcastTo(shape);
        // Overlapping views: read everything before writing anything.
        Tensor src = broadcast.sharesStorageWith(this) ? broadcast.copy() : broadcast;
        if (src.dtype == dtype && src.isContiguous() && isContiguous()) {
            long bytes = numel() * dtype.byteSize();
            MemorySegment.copy(src.storage, src.offset * dtype.byteSize(), storage, offset * dtype.byteSize(), bytes);
        } else if (!src.dtype.isFloat() && !dtype.isFloat()) { // integers stay exact
            long[] buf = new long[ChunkLoop.runLength(numel())];
            ChunkLoop.run((at, step, n) -> {
                Storage.readLongs(src.storage, src.dtype, at[1], step[1], buf, n);
                Storage.writeLongs(storage, dtype, at[0], step[0], buf, n);
            }, this, src);
        } else {
            float[] buf = new float[ChunkLoop.runLength(numel())];
            ChunkLoop.run((at, step, n) -> {
                Storage.readFloats(src.storage, src.dtype, at[1], step[1], buf, n);
                Storage.writeFloats(storage, dtype, at[0], step[0], buf, n);
            }, this, src);
        }
    }

    // ---- Java arrays (C order) -----------------------------------------------------------------

    public float[] toFloatArray() {
        float[] out = new float[arrayLength()], buf = new float[ChunkLoop.runLength(out.length)];
        int[] filled = {0};
        ChunkLoop.run((at, step, n) -> {
            Storage.readFloats(storage, dtype, at[0], step[0], buf, n);
            System.arraycopy(buf, 0, out, filled[0], n);
            filled[0] += n;
        }, this);
        return out;
    }

    /** Exact for every dtype (i64 up to 2^53). */
    public double[] toDoubleArray() {
        if (!dtype.isFloat()) return Arrays.stream(toLongArray()).asDoubleStream().toArray();
        float[] f = toFloatArray();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    /** Floats are truncated toward zero. */
    public long[] toLongArray() {
        long[] out = new long[arrayLength()], buf = new long[ChunkLoop.runLength(out.length)];
        int[] filled = {0};
        ChunkLoop.run((at, step, n) -> {
            Storage.readLongs(storage, dtype, at[0], step[0], buf, n);
            System.arraycopy(buf, 0, out, filled[0], n);
            filled[0] += n;
        }, this);
        return out;
    }

    private int arrayLength() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("a tensor of " + n + " elements does not fit a Java array");
        return (int) n;
    }

    /** numpy-like text; see {@link TensorPrinter}. */
    @Override
    public String toString() { return TensorPrinter.format(this); }
}
