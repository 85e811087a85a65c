package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linlang.runtime.tensor.Ref.assertShape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    // Written by numpy 2.4 with np.save.
    private static final String C_F32 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPwAAAEAAAEBAAACAQAAAoEA=";
    private static final String F_I64 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAMAAAAAAAAAAQAAAAAAAAAEAAAAAAAAAAIAAAAAAAAABQAAAAAAAAA=";
    private static final String F64 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqamZmZmZm5PwAAAAAAAATAnHUAiDzkN34=";
    private static final String BOOL = "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=";
    private static final String SCALAR_F16 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAQw==";

    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path file(String name, String base64) throws IOException {
        return file(name, Base64.getDecoder().decode(base64));
    }

    @Test
    void readsWhatNumpyWrites() throws IOException {
        Tensor c = Npy.read(file("c.npy", C_F32));
        assertShape(c, 2, 3);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, c.toFloatArray());
        Tensor f = Npy.read(file("f.npy", F_I64)); // Fortran order: a strided view
        assertEquals(DType.I64, f.dtype());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, f.toLongArray());
        assertArrayEquals(new long[] {1, 2}, f.strides());
        Tensor d = Npy.read(file("d.npy", F64));
        assertEquals(DType.F32, d.dtype());
        assertArrayEquals(new float[] {0.1f, -2.5f, Float.POSITIVE_INFINITY}, d.toFloatArray());
        assertArrayEquals(new long[] {1, 0, 1}, Npy.read(file("b.npy", BOOL)).toLongArray());
        Tensor s = Npy.read(file("s.npy", SCALAR_F16));
        assertShape(s);
        assertEquals(DType.F16, s.dtype());
        assertEquals(3.5, s.item());
    }

    @Test
    void writesWhatNumpyWrites() throws IOException {
        Path out = dir.resolve("out.npy");
        Npy.write(out, TensorTest.iota(2, 3));
        assertArrayEquals(Base64.getDecoder().decode(C_F32), Files.readAllBytes(out));
        Npy.write(out, Creation.of(new boolean[] {true, false, true}, 3));
        assertArrayEquals(Base64.getDecoder().decode(BOOL), Files.readAllBytes(out));
    }

    @Test
    void roundTripsEveryDtype() throws IOException {
        Path out = dir.resolve("rt.npy");
        for (DType t : DType.values()) {
            Tensor x = Creation.of(t, new double[] {1, -2, 0, 3, 4, 1}, 3, 2).transpose(); // written in C order
            Npy.write(out, x);
            Tensor back = Npy.read(out);
            assertEquals(t == DType.BF16 ? DType.F32 : t, back.dtype(), t.lin());
            assertShape(back, 2, 3);
            assertArrayEquals(x.toDoubleArray(), back.toDoubleArray(), t.lin());
            assertEquals(0, (Files.size(out) - x.numel() * back.dtype().byteSize()) % 64);
        }
        Npy.write(out, Creation.zeros(0, 4));
        assertShape(Npy.read(out), 0, 4);
        Npy.write(out, Creation.of(new int[] {1, 2, 3}, 3));
        String header = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"), header);
    }

    @Test
    void malformedFilesAreExplained() throws IOException {
        byte[] good = Base64.getDecoder().decode(C_F32);
        assertError("bad.npy", "PK\u0003\u0004 not numpy at all".getBytes(StandardCharsets.ISO_8859_1),
                "not a .npy file: it does not start with \\x93NUMPY");
        assertError("trunc.npy", Arrays.copyOf(good, good.length - 3),
                "data holds 21 bytes, but <f4 shape [2, 3] needs 24 (truncated file?)");
        assertError("long.npy", Arrays.copyOf(good, good.length + 4), "data holds 28 bytes, but <f4 shape [2, 3] needs 24");
        assertError("header.npy", Arrays.copyOf(good, 60), "header of 118 bytes runs past the end of the 60-byte file");
        assertError("big.npy", replace(good, "'<f4'", "'>f4'"), "unsupported descr '>f4': big-endian data is not supported");
        assertError("u8.npy", replace(good, "'<f4'", "'|u1'"), "unsupported descr '|u1'");
        assertError("noshape.npy", replace(good, "'shape'", "'shope'"), "header has no valid 'shape' entry");
        assertError("negative.npy", replace(good, "(2, 3)", "(2,-3)"), "shape (2,-3) must hold non-negative integers");
        byte[] v9 = good.clone();
        v9[6] = 9;
        assertError("v9.npy", v9, "unsupported .npy version 9, expected 1, 2 or 3");
    }

    private void assertError(String name, byte[] bytes, String expected) throws IOException {
        Path f = file(name, bytes);
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected \"" + expected + "\" in: " + e.getMessage());
        assertEquals(f, e.file());
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        assertEquals(from.length(), to.length());
        String s = new String(bytes, StandardCharsets.ISO_8859_1).replace(from, to);
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
