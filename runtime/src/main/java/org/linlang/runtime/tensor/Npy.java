package org.linlang.runtime.tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's {@code .npy} format: the magic {@code \x93NUMPY}, a version, a header length, a Python dict
 * literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces to
 * a multiple of 64 bytes and ending in a newline, then the raw data.
 *
 * <p>Reading maps the file (read-only views, like {@link SafeTensors}) and accepts versions 1 to 3,
 * C or Fortran order (Fortran order becomes a strided view), the little-endian dtypes of {@link DType}
 * and {@code <f8}, which is converted to f32. Writing uses version 1.0 and C order. bf16 has no numpy
 * dtype: it is written widened to {@code <f4}, losslessly, so numpy can read it; it reads back as f32.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final String F64 = "<f8";

    private Npy() {}

    public static Tensor read(Path file) throws IOException {
        MemorySegment map;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            map = in.map(FileChannel.MapMode.READ_ONLY, 0, in.size(), Arena.ofAuto());
        }
        long size = map.byteSize();
        if (size < 10 || map.asSlice(0, 6).mismatch(MemorySegment.ofArray(MAGIC)) != -1) {
            throw new TensorFormatException(file, null, "not a .npy file: it does not start with \\x93NUMPY");
        }
        int major = map.get(ValueLayout.JAVA_BYTE, 6);
        if (major < 1 || major > 3) throw new TensorFormatException(file, null, "unsupported .npy version " + major + ", expected 1, 2 or 3");
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        long headerStart = major == 1 ? 10 : 12;
        long headerLength = major == 1
                ? Short.toUnsignedLong(map.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(le), 8))
                : Integer.toUnsignedLong(map.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(le), 8));
        if (headerStart + headerLength > size) {
            throw new TensorFormatException(file, null, "header of " + headerLength + " bytes runs past the end of the " + size + "-byte file");
        }
        String header = new String(map.asSlice(headerStart, headerLength).toArray(ValueLayout.JAVA_BYTE),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = field(file, header, DESCR, "descr");
        boolean fortran = field(file, header, ORDER, "fortran_order").equals("True");
        long[] shape = shape(file, field(file, header, SHAPE, "shape"));
        DType dtype = descr.equals(F64) ? DType.F32 : dtype(file, descr);
        int itemSize = descr.equals(F64) ? 8 : dtype.byteSize();
        long dataStart = headerStart + headerLength;
        long expected, found = size - dataStart;
        try {
            expected = Math.multiplyExact(Layout.numel(shape), itemSize);
        } catch (ArithmeticException e) {
            throw new TensorFormatException(file, null, "shape " + Layout.format(shape) + " is too large");
        }
        if (found != expected) {
            throw new TensorFormatException(file, null, "data holds " + found + " bytes, but " + descr + " shape "
                    + Layout.format(shape) + " needs " + expected + (found < expected ? " (truncated file?)" : ""));
        }
        MemorySegment data = map.asSlice(dataStart, expected);
        if (descr.equals(F64)) data = narrow(data);
        return new Tensor(dtype, shape, fortran ? fortranStrides(shape) : Layout.contiguousStrides(shape), 0, data);
    }

    /** Writes version 1.0, C order; bf16 is widened to f32 (see the class comment). */
    public static void write(Path file, Tensor tensor) throws IOException {
        Tensor t = tensor.dtype == DType.BF16 ? tensor.to(DType.F32) : tensor;
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < t.rank(); i++) shape.append(i > 0 ? ", " : "").append(t.shape[i]);
        shape.append(t.rank() == 1 ? ",)" : ")");
        StringBuilder header = new StringBuilder("{'descr': '" + t.dtype.npyDescr() + "', 'fortran_order': False, 'shape': " + shape + ", }");
        while ((10 + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        if (header.length() > 0xFFFF) throw new IllegalArgumentException("shape " + Layout.format(t.shape) + " is too long for a version 1.0 header");
        ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put(MAGIC).put((byte) 1).put((byte) 0)
                .putShort((short) header.length()).flip();
        FileReplacer.replace(file, out -> {
            FileReplacer.write(out, prefix);
            FileReplacer.write(out, ByteBuffer.wrap(header.toString().getBytes(StandardCharsets.ISO_8859_1)));
            FileReplacer.write(out, FileReplacer.bytes(t));
        });
    }

    private static String field(Path file, String header, Pattern pattern, String name) throws TensorFormatException {
        Matcher m = pattern.matcher(header);
        if (!m.find()) throw new TensorFormatException(file, null, "header has no valid '" + name + "' entry: " + header.strip());
        return m.group(1);
    }

    private static long[] shape(Path file, String text) throws TensorFormatException {
        String[] parts = text.split(",");
        int n = parts.length;
        if (n > 0 && parts[n - 1].isBlank()) n--; // "(5,)" and "()"
        long[] shape = new long[n];
        for (int i = 0; i < n; i++) {
            try {
                shape[i] = Long.parseLong(parts[i].strip());
            } catch (NumberFormatException e) {
                shape[i] = -1;
            }
            if (shape[i] < 0) throw new TensorFormatException(file, null, "shape (" + text + ") must hold non-negative integers");
        }
        return shape;
    }

    private static DType dtype(Path file, String descr) throws TensorFormatException {
        for (DType t : DType.values()) if (descr.equals(t.npyDescr())) return t;
        String why = descr.startsWith(">") ? "big-endian data is not supported" : "expected one of <f4, <f2, <i4, <i8, |b1, <f8";
        throw new TensorFormatException(file, null, "unsupported descr '" + descr + "': " + why);
    }

    /** f64 values to f32, keeping their order in memory. */
    private static MemorySegment narrow(MemorySegment f64) {
        long n = f64.byteSize() / 8;
        MemorySegment out = Storage.allocate(DType.F32, n);
        ValueLayout.OfDouble layout = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) out.set(Storage.F32, i * 4, (float) f64.get(layout, i * 8));
        return out;
    }

    private static long[] fortranStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = 0; i < shape.length; i++) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }
}
