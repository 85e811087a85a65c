package org.linlang.runtime.tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the
 * end of the header) plus an optional {@code "__metadata__"} string map, then the raw little-endian
 * data.
 *
 * <p>Reading maps the file into memory: tensors are read-only views of the mapping, loaded by the
 * operating system on first touch. Every header entry is checked before any tensor is made (known
 * dtype, offsets inside the file and not overlapping, byte count equal to the shape's); a problem
 * is a {@link TensorFormatException} naming the file, the tensor, the value expected and the value found.
 */
public final class SafeTensors {
    /** The tensors in header order, and the metadata (empty when absent). */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    private static final String METADATA = "__metadata__";
    /** The reference implementation's limit; a larger value means a corrupt length field. */
    private static final long MAX_HEADER = 100_000_000;
    private static final ValueLayout.OfLong LENGTH = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SafeTensors() {}

    public static Contents read(Path file) throws IOException {
        MemorySegment map;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            map = in.map(FileChannel.MapMode.READ_ONLY, 0, in.size(), Arena.ofAuto());
        }
        long size = map.byteSize();
        if (size < 8) throw new TensorFormatException(file, null, "file has " + size + " bytes, expected at least 8 for the header length");
        long headerLength = map.get(LENGTH, 0);
        if (headerLength < 2 || headerLength > MAX_HEADER) {
            throw new TensorFormatException(file, null, "header length is " + headerLength + ", expected 2 to " + MAX_HEADER + " bytes");
        }
        if (headerLength > size - 8) {
            throw new TensorFormatException(file, null, "header length is " + headerLength + " bytes, but only " + (size - 8)
                    + " bytes follow the length field (truncated file?)");
        }
        Map<String, Object> header = header(file, map.asSlice(8, headerLength));
        long dataStart = 8 + headerLength, dataSize = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) metadata = metadata(file, e.getValue());
            else entries.add(entry(file, e.getKey(), e.getValue(), dataSize));
        }
        checkOverlaps(file, entries);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            MemorySegment data = map.asSlice(dataStart + e.begin, e.end - e.begin);
            tensors.put(e.name, new Tensor(e.dtype, e.shape, Layout.contiguousStrides(e.shape), 0, data));
        }
        return new Contents(tensors, metadata);
    }

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** Writes the tensors in map order, each as its contiguous bytes, with the header padded to a multiple of 8 bytes. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append(Json.quote(METADATA)).append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                json.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                sep = ",";
            }
            json.append('}');
        }
        long at = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
            Tensor t = e.getValue();
            long bytes = t.numel() * t.dtype.byteSize();
            json.append(json.length() > 1 ? "," : "").append(Json.quote(e.getKey()))
                    .append(":{\"dtype\":\"").append(t.dtype.safetensorsName())
                    .append("\",\"shape\":").append(Arrays.toString(t.shape).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(at).append(',').append(at + bytes).append("]}");
            at += bytes;
        }
        json.append('}');
        while (json.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) json.append(' '); // aligns the data
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        FileReplacer.replace(file, out -> {
            FileReplacer.write(out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
            FileReplacer.write(out, ByteBuffer.wrap(header));
            for (Tensor t : tensors.values()) FileReplacer.write(out, FileReplacer.bytes(t));
        });
    }

    // ---- header checks -------------------------------------------------------------------------

    private static Map<String, Object> header(Path file, MemorySegment bytes) throws TensorFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(bytes.asByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            throw new TensorFormatException(file, null, "header is not valid UTF-8");
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new TensorFormatException(file, null, "header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) throw new TensorFormatException(file, null, "header is not a JSON object");
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) map;
        return header;
    }

    private static Map<String, String> metadata(Path file, Object value) throws TensorFormatException {
        if (!(value instanceof Map<?, ?> map)) throw new TensorFormatException(file, null, METADATA + " is not a JSON object");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new TensorFormatException(file, null, METADATA + " value of " + Json.quote((String) e.getKey()) + " is not a string");
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Entry entry(Path file, String name, Object value, long dataSize) throws TensorFormatException {
        if (!(value instanceof Map<?, ?> info)) throw new TensorFormatException(file, name, "header entry is not a JSON object");
        if (!(info.get("dtype") instanceof String dtypeName)) throw new TensorFormatException(file, name, "\"dtype\" is missing or not a string");
        DType dtype = DType.fromSafetensors(dtypeName);
        if (dtype == null) {
            throw new TensorFormatException(file, name, "unknown dtype \"" + dtypeName + "\", expected one of F32, F16, BF16, I32, I64, BOOL");
        }
        long[] shape = longs(info.get("shape"));
        if (shape == null) throw new TensorFormatException(file, name, "\"shape\" must be a list of non-negative integers, found " + info.get("shape"));
        long[] offsets = longs(info.get("data_offsets"));
        if (offsets == null || offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new TensorFormatException(file, name, "\"data_offsets\" must be [begin, end] with begin <= end, found " + info.get("data_offsets"));
        }
        if (offsets[1] > dataSize) {
            throw new TensorFormatException(file, name, "data_offsets " + Arrays.toString(offsets) + " end past the data section of "
                    + dataSize + " bytes (truncated file?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Layout.numel(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new TensorFormatException(file, name, "shape " + Layout.format(shape) + " is too large");
        }
        long found = offsets[1] - offsets[0];
        if (found != expected) {
            throw new TensorFormatException(file, name, "data_offsets " + Arrays.toString(offsets) + " hold " + found + " bytes, but "
                    + dtypeName + " shape " + Layout.format(shape) + " needs " + expected);
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A list of non-negative integers, or null. */
    private static long[] longs(Object value) {
        if (!(value instanceof List<?> list)) return null;
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) return null;
            out[i] = v;
        }
        return out;
    }

    private static void checkOverlaps(Path file, List<Entry> entries) throws TensorFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.removeIf(e -> e.begin == e.end); // empty tensors occupy no bytes
        sorted.sort(Comparator.comparingLong(Entry::begin));
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1), b = sorted.get(i);
            if (b.begin < a.end) {
                throw new TensorFormatException(file, b.name, "bytes [" + b.begin + ", " + b.end + ") overlap tensor '" + a.name
                        + "' at [" + a.begin + ", " + a.end + ")");
            }
        }
    }
}
