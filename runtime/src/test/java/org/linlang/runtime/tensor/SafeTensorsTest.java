package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linlang.runtime.tensor.Ref.assertShape;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file laid out by hand: length, header, data. */
    private Path raw(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        out.write(data);
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    @Test
    void readsAHandWrittenFile() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[16,22]}}";
        while ((8 + header.length()) % 4 != 2) header += " "; // no padding to 8: the f32 data is misaligned
        ByteBuffer data = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN).put(floats(1, 2, 3, 4));
        data.putShort((short) 0x3F80).putShort((short) 0xC000).putShort((short) 0x4049); // 1, -2, 3.140625
        Path f = raw("hand.safetensors", header, data.array());
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertEquals(List.of("a", "b"), List.copyOf(c.tensors().keySet()));
        Tensor a = c.tensors().get("a"), b = c.tensors().get("b");
        assertShape(a, 2, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4}, a.toFloatArray());
        assertEquals(DType.BF16, b.dtype());
        assertArrayEquals(new double[] {1, -2, 3.140625}, b.toDoubleArray());
        assertTrue(a.isReadOnly());
        assertEquals("tensor is read-only (memory-mapped from a file); copy() it first",
                assertThrows(IllegalStateException.class, () -> a.set(0, 0, 0)).getMessage());
        assertArrayEquals(new float[] {7, 10, 15, 22}, LinAlg.matmul(a, a).toFloatArray()); // misaligned: copied for ND4J
        assertEquals(1 + 4 + 3.140625 * 3.140625, LinAlg.matmul(b, b).item(), 0.1);
    }

    @Test
    void nd4jReadsAlignedMappedTensorsInPlace() throws IOException {
        Path f = dir.resolve("aligned.safetensors");
        SafeTensors.write(f, Map.of("w", TensorTest.iota(2, 2)));
        Tensor w = SafeTensors.read(f).tensors().get("w");
        assertTrue(Nd4jBridge.canLend(w));
        assertArrayEquals(new float[] {2, 3, 6, 11}, LinAlg.matmul(w, w).toFloatArray());
    }

    @Test
    void roundTripsEveryDtypeWithMetadata() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (DType t : DType.values()) tensors.put("t_" + t.lin(), Creation.of(t, new double[] {1, -2, 0, 3, 4, 1}, 2, 3));
        tensors.put("view", TensorTest.iota(3, 4).transpose().index(Index.range(null, null, 2)));
        tensors.put("empty", Creation.zeros(0, 5));
        tensors.put("scalar", Creation.scalar(2.5));
        tensors.put("name with \"quotes\" and ünïcode", Creation.ones(1));
        Path f = dir.resolve("rt.safetensors");
        SafeTensors.write(f, tensors, Map.of("format", "lin", "note", "line\nbreak"));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "data starts 8-byte aligned");
        SafeTensors.Contents back = SafeTensors.read(f);
        assertEquals(Map.of("format", "lin", "note", "line\nbreak"), back.metadata());
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()));
        for (var e : tensors.entrySet()) {
            Tensor got = back.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
            assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
            assertArrayEquals(e.getValue().toDoubleArray(), got.toDoubleArray(), e.getKey());
        }
    }

    @Test
    void overwritingAMappedFileKeepsOldTensorsReadable() throws IOException {
        Path f = dir.resolve("same.safetensors");
        SafeTensors.write(f, Map.of("x", TensorTest.iota(1000)));
        Tensor old = SafeTensors.read(f).tensors().get("x");
        SafeTensors.write(f, Map.of("x", Creation.zeros(10)));
        assertEquals(999, old.get(999));
        assertEquals(10, SafeTensors.read(f).tensors().get("x").numel());
    }

    @Test
    void malformedFilesAreExplained() throws IOException {
        String tensorA = "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}";
        byte[] sixteen = floats(1, 2, 3, 4);
        assertError(Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3}), null,
                "file has 3 bytes, expected at least 8 for the header length");
        Path truncatedHeader = raw("th.safetensors", "{" + tensorA + "}", sixteen);
        byte[] bytes = Files.readAllBytes(truncatedHeader);
        Files.write(truncatedHeader, java.util.Arrays.copyOf(bytes, 30));
        assertError(truncatedHeader, null, "header length is 57 bytes, but only 22 bytes follow the length field (truncated file?)");
        assertError(raw("td.safetensors", "{" + tensorA + "}", floats(1, 2, 3)), "a",
                "data_offsets [0, 16] end past the data section of 12 bytes (truncated file?)");
        assertError(raw("count.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", sixteen), "a",
                "data_offsets [0, 16] hold 16 bytes, but F32 shape [2, 3] needs 24");
        assertError(raw("dtype.safetensors", "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", sixteen), "a",
                "unknown dtype \"F64\", expected one of F32, F16, BF16, I32, I64, BOOL");
        assertError(raw("overlap.safetensors", "{" + tensorA + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", sixteen), "b",
                "bytes [8, 16) overlap tensor 'a' at [0, 16)");
        assertError(raw("json.safetensors", "{\"a\":{\"dtype\":\"F32\",}}", sixteen), null,
                "header is not valid JSON: expected a string key at character 20");
        assertError(raw("dup.safetensors", "{" + tensorA + "," + tensorA + "}", sixteen), null, "header is not valid JSON: duplicate key \"a\" at character 57");
        assertError(raw("shape.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", sixteen), "a",
                "\"shape\" must be a list of non-negative integers, found [-4]");
        assertError(raw("offsets.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}", sixteen), "a",
                "\"data_offsets\" must be [begin, end] with begin <= end, found [16, 0]");
        assertError(raw("nodtype.safetensors", "{\"a\":{\"shape\":[4],\"data_offsets\":[0,16]}}", sixteen), "a",
                "\"dtype\" is missing or not a string");
        assertError(raw("meta.safetensors", "{\"__metadata__\":{\"n\":1}," + tensorA + "}", sixteen), null,
                "__metadata__ value of \"n\" is not a string");
        assertError(raw("array.safetensors", "[1, 2]", sixteen), null, "header is not a JSON object");
        Path hugeLength = raw("len.safetensors", "{}", sixteen);
        byte[] h = Files.readAllBytes(hugeLength);
        h[7] = 0x10;
        Files.write(hugeLength, h);
        assertError(hugeLength, null, "header length is 1152921504606846978, expected 2 to 100000000 bytes");
    }

    private static void assertError(Path f, String tensor, String expected) {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> SafeTensors.read(f));
        String prefix = f + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": ";
        assertEquals(prefix + expected, e.getMessage());
        assertEquals(tensor, e.tensor());
    }
}
