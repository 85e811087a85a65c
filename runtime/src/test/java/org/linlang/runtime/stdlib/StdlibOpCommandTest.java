package org.linlang.runtime.stdlib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.linlang.runtime.stdlib.LinHarness.close;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.cli.Io;
import org.linlang.runtime.cli.LinCli;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/** `lin op std.ops.NAME --engine interp` on the ops added for the std.nn families, against float64 loops. */
class StdlibOpCommandTest {
    static final int B = 2, T = 6, H = 2, K = 3, V = 5;

    @TempDir Path dir;
    private final LinHarness data = new LinHarness(99);

    private Map<String, Tensor> op(String name, Map<String, Tensor> inputs, String... args) throws IOException {
        Path in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
        SafeTensors.write(in, inputs);
        String[] command = new String[6 + args.length];
        String[] head = {"op", "std.ops." + name, "--inputs", in.toString(), "--out", out.toString()};
        System.arraycopy(head, 0, command, 0, 6);
        System.arraycopy(args, 0, command, 6, args.length);
        var bytes = new ByteArrayOutputStream();
        var stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = LinCli.execute(command, new Io(InputStream.nullInputStream(), stream, stream, Map.of()));
        assertEquals(0, code, bytes.toString(StandardCharsets.UTF_8));
        return SafeTensors.read(out).tensors();
    }

    @Test
    void hgrn2WithAnInitialState() throws IOException {
        double[] q = data.normal(B * T * H * K), v = data.normal(B * T * H * V), gk = data.uniform(B * T * H * K, -1, -0.05);
        double[] s0 = data.normal(B * H * K * V), fin = new double[B * H * K * V];
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", Creation.of(q, B, T, H, K));
        in.put("v", Creation.of(v, B, T, H, V));
        in.put("gk", Creation.of(gk, B, T, H, K));
        in.put("initial_state", Creation.of(s0, B, H, K, V));
        Map<String, Tensor> out = op("hgrn2", in, "--engine", "interp", "--arg", "output_final_state=true");
        close(StdlibReference.hgrn2(q, v, gk, s0, fin, B, T, H, K, V, 1 / Math.sqrt(K)), out.get("o").toDoubleArray(), 1e-5, "o");
        close(fin, out.get("final_state").toDoubleArray(), 1e-5, "final_state");
    }

    @Test
    void softmaxAttentionOverACacheWithAWindow() throws IOException {
        int S = 9, G = 2;
        double[] q = data.normal(B * T * H * G * K), k = data.normal(B * S * H * K), v = data.normal(B * S * H * V);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", Creation.of(q, B, T, H * G, K));
        in.put("k", Creation.of(k, B, S, H, K));
        in.put("v", Creation.of(v, B, S, H, V));
        Map<String, Tensor> out = op("softmax_attn", in, "--engine", "interp", "--arg", "G=2", "--arg", "window=4");
        close(StdlibReference.attention(q, k, v, null, null, B, T, S, H, G, 4, K, V, 1 / Math.sqrt(K)), out.get("o").toDoubleArray(), 1e-5, "o");
    }

    @Test
    void gatedSoftmaxAttentionWithSinksFromTheFile() throws IOException {
        int G = 2;
        double[] q = data.normal(B * T * H * G * K), k = data.normal(B * T * H * K), v = data.normal(B * T * H * V);
        double[] gate = data.normal(B * T * H * G * V), sinks = data.normal(H * G);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", Creation.of(q, B, T, H * G, K));
        in.put("k", Creation.of(k, B, T, H, K));
        in.put("v", Creation.of(v, B, T, H, V));
        in.put("gate", Creation.of(gate, B, T, H * G, V));
        in.put("sinks", Creation.of(sinks, H * G));
        Map<String, Tensor> out = op("softmax_attn", in, "--arg", "G=2");
        close(StdlibReference.attention(q, k, v, gate, sinks, B, T, T, H, G, 0, K, V, 1 / Math.sqrt(K)), out.get("o").toDoubleArray(), 1e-5, "o");
    }

    @Test
    void moeRouting() throws IOException {
        int E = 5;
        double[] logits = data.normal(B * T * E);
        Map<String, Tensor> out = op("moe_routing", Map.of("logits", Creation.of(logits, B, T, E)), "--arg", "k=2");
        close(StdlibReference.moeRouting(logits, E, 2, true), out.get("o").toDoubleArray(), 1e-5, "o");
    }
}
