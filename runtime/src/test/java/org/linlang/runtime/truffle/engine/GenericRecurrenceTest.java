package org.linlang.runtime.truffle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.io.IOAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linlang.runtime.cpu.Agreement;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Shapes;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * The generic sequential kernel of the cpu engine against the interpreter: every recurrence of the
 * classification goldens (compiler/src/test/resources/recurrence) that the fast kernel families do
 * not take — the general and nonlinear classes, KDA, several states, several writes — called from a
 * block with batch 2, T = 37, 3 heads, random inputs and random initial states, gives the same output
 * and the same final states (f32 on both sides, relative RMS error ≤ 1e-4, {@link Agreement}).
 */
class GenericRecurrenceTest {
    @TempDir Path dir;


    @ParameterizedTest
    @ValueSource(strings = {
        "user_delta_product", "user_dplr", "user_emit_between_updates", "user_emit_nonlinear_state", "user_full_matrix",
        "user_hgrn1_scan", "user_host_condition", "user_kda_decay_after", "user_loop_update", "user_mamba1_elementwise",
        "user_overwritten", "user_square_state", "user_state_feeds_state", "user_state_in_if", "user_tanh_step", "user_two_keys",
        "user_value_side_gate", "user_kda", "user_two_states", "user_multi_write",
    })
    void goldenRecurrencesAgreeWithTheInterpreter(String golden) throws Exception {
        String source = Files.readString(GoldenRecurrenceProgram.GOLDENS.resolve(golden + ".lin"));
        check(golden, source);
    }

    /** An EMA through tanh, the example the cpu engine used to refuse. */
    @Test
    void tanhEma() throws Exception {
        check("tanh_ema", """
                recurrence tanh_ema(x: [D]) -> [D]
                    state m: [D] = 0
                {
                    m = tanh(0.5 * m + x)
                    emit m
                }
                """);
    }

    /**
     * A block whose two coupled states (one through tanh) are block states: a prefill and a session of
     * 4, 1 and 1 tokens print the same on cpu as on interp, and the session equals the prefill.
     */
    @Test
    void coupledStatesInASessionPrintWhatInterpPrints() {
        String program = """
                recurrence coupled(q: [K], k: [K], v: [V]) -> [V]
                    state S: [K, V] = 0
                    state z: [K] = 0
                {
                    z = tanh(z + k)
                    S = 0.9 * S + outer(z, v)
                    emit q @ S
                }
                block Mix(heads: int, dk: int) {
                    state S: f32[B, heads, dk, dk]
                    state z: f32[B, heads, dk]
                    forward(x: [B, T, heads, dk]) -> [B, T, heads, dk] {
                        let (o, fin) = coupled(x, x * 0.5, x, initial_state = (S, z), output_final_state = true)
                        S = fin[0]
                        z = fin[1]
                        return o
                    }
                }
                let m = Mix(2, 4)
                let x = rand([2, 6, 2, 4], seed = 7) - 0.5
                let full = m(x)
                let s = m.session()
                let a = s(x[:, :4])
                let b = s(x[:, 4:5])
                let c = s(x[:, 5:])
                print(full[1, 5])
                print(c[1, 0])
                print(float(sum(abs(concat(a, b, c, axis = 1) - full))) < 1e-6)
                """;
        String interp = printed("interp", program), cpu = printed("cpu", program);
        assertEquals(interp, cpu);
        assertTrue(cpu.endsWith("true\n"), cpu);
    }

    private static String printed(String engine, String program) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", engine)
                .err(new ByteArrayOutputStream()).out(out).build()) {
            c.eval(LinLanguage.ID, program);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void check(String what, String source) throws Exception {
        var program = GoldenRecurrenceProgram.of(what, source, GoldenRecurrenceProgram.SIZES, 37);
        Tensor interp = run("interp", program), cpu = run("cpu", program);
        assertEquals(interp.numel(), cpu.numel());
        Agreement.assertClose(what, interp, cpu);
    }

    /** The output and the final states, flat, in one tensor. */
    private Tensor run(String engine, GoldenRecurrenceProgram program) throws Exception {
        Path out = dir.resolve(engine + ".safetensors");
        try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", engine)
                .err(new ByteArrayOutputStream()).out(new ByteArrayOutputStream()).build()) {
            c.eval(LinLanguage.ID, program.savingTo(out));
        }
        var t = SafeTensors.read(out).tensors();
        List<Tensor> parts = new ArrayList<>();
        for (String s : program.saved()) parts.add(t.get(s.substring(0, s.indexOf(' '))).reshape(-1));
        return Shapes.concat(parts, 0).copy();
    }
}
