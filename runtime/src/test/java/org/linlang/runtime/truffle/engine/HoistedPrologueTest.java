package org.linlang.runtime.truffle.engine;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.io.IOAccess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.cpu.Agreement;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * Recurrences whose pieces are expressions of the step's inputs (HGRN2's key {@code 1 - exp(g)}, a
 * feature map on q and k, beta folded into k or v, a decay given as a factor, a decay after the
 * write) run on the chunked kernels with those pieces hoisted into a prologue, and agree with the
 * interpreter's step-by-step form (batch 2, T = 70, with an initial state and the final state).
 */
class HoistedPrologueTest {
    @TempDir Path dir;

    private static final String[] STEPS = {
        // HGRN2: GLA with key 1 - exp(gk)
        "hgrn2|gk: [K]|S = outer(exp(gk), ones([V])) * S + outer(1.0 - exp(gk), v)|emit q @ S",
        // a feature map on q and k (elu + 1), linear attention
        "feature|g: f32|S = S + outer(elu(k) + 1.0, v)|emit (elu(q) + 1.0) @ S",
        // RetNet-style decay given as a factor, not in log space
        "retnet|g: f32|S = sigmoid(g + 3.0) * S + outer(k, v)|emit (0.5 * q) @ S",
        // the decay after the write
        "after|g: f32|S = S + outer(k, v)\n    S = exp(g) * S|emit q @ S",
        // Gated DeltaNet with beta folded into the key of the write
        "folded|g: f32|S = exp(g) * S\n    S = S - outer(sigmoid(g) * k, k @ S) + outer(sigmoid(g) * k, v)|emit q @ S",
        // Gated DeltaNet with the decay after the delta step, beta a sigmoid
        "delta_after|g: f32|S = S + outer(k, sigmoid(g) * (v - k @ S))\n    S = exp(g) * S|emit q @ S",
    };

    private Tensor run(String engine, String program) throws Exception {
        Path out = dir.resolve(engine + ".safetensors");
        try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", engine)
                .err(new ByteArrayOutputStream()).out(new ByteArrayOutputStream()).build()) {
            c.eval(LinLanguage.ID, program + "save(\"" + out + "\", o = o, s = s)\n");
        }
        var t = SafeTensors.read(out).tensors();
        return org.linlang.runtime.tensor.Shapes.concat(java.util.List.of(t.get("o").reshape(-1), t.get("s").reshape(-1)), 0).copy();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void hoistedPiecesAgreeWithTheInterpreter(int which) throws Exception {
        String[] p = STEPS[which].split("\\|");
        String gate = p[1].startsWith("gk") ? "gk" : "g";
        String gateShape = p[1].startsWith("gk") ? "[2, 70, 3, 8]" : "[2, 70, 3]";
        String program = """
                recurrence %s(q: [K], k: [K], v: [V], %s) -> [V]
                    state S: [K, V] = 0
                {
                    %s
                    %s
                }
                block Layer(h: int) {
                    forward(q: [B, T, h, 8], k: [B, T, h, 8], v: [B, T, h, 5], %s: f32%s, s0: [B, h, 8, 5]) =
                        %s(q, k, v, %s, initial_state = s0, output_final_state = true)
                }
                let layer = Layer(3)
                let q = rand([2, 70, 3, 8], seed = 1) - 0.5
                let k = (rand([2, 70, 3, 8], seed = 2) - 0.5) * 0.5
                let v = rand([2, 70, 3, 5], seed = 3) - 0.5
                let gate = -0.5 * rand(%s, seed = 4) - 0.01
                let s0 = rand([2, 3, 8, 5], seed = 5) - 0.5
                let (o, s) = layer(q, k, v, gate, s0)
                """.formatted(p[0], p[1].replace("gk: [K]", "gk: [K]"), p[2], p[3], gate,
                gate.equals("gk") ? "[B, T, h, 8]" : "[B, T, h]", p[0], gate, gateShape);
        if (p[1].startsWith("g:")) program = program.replace("g: f32: f32", "g: f32");
        Agreement.assertClose(p[0], run("interp", program), run("cpu", program));
    }
}
