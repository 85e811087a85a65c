package org.linlang.runtime.truffle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Path GOLDENS = Path.of("..", "compiler", "src", "test", "resources", "recurrence");
    private static final Map<String, Integer> SIZES = Map.of("K", 8, "V", 5, "N", 6, "P", 4, "D", 7);
    private static final Pattern HEADER = Pattern.compile("recurrence (\\w+)\\((.*)\\) -> ");
    private static final Pattern STATE = Pattern.compile("state (\\w+): \\[([^\\]]*)\\]");

    @ParameterizedTest
    @ValueSource(strings = {
        "user_delta_product", "user_dplr", "user_emit_between_updates", "user_emit_nonlinear_state", "user_full_matrix",
        "user_hgrn1_scan", "user_host_condition", "user_kda_decay_after", "user_loop_update", "user_mamba1_elementwise",
        "user_overwritten", "user_square_state", "user_state_feeds_state", "user_state_in_if", "user_tanh_step", "user_two_keys",
        "user_value_side_gate", "user_kda", "user_two_states", "user_multi_write",
    })
    void goldenRecurrencesAgreeWithTheInterpreter(String golden) throws Exception {
        String source = Files.readString(GOLDENS.resolve(golden + ".lin"));
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
        Matcher h = HEADER.matcher(source);
        assertTrue(h.find(), what + " declares a recurrence");
        String name = h.group(1);
        List<String> params = new ArrayList<>(), args = new ArrayList<>(), lets = new ArrayList<>();
        int seed = 1;
        for (String p : h.group(2).split(",\\s*(?![^\\[]*\\])")) {
            String[] nt = p.split(":\\s*", 2);
            String n = nt[0].trim(), type = nt[1].trim();
            if (type.startsWith("float") || type.startsWith("int")) continue; // a host parameter with its default
            if (type.equals("bool")) {
                args.add(n + " = true");
                continue;
            }
            String dims = type.equals("f32") ? "" : ", " + sizes(type.substring(1, type.length() - 1));
            params.add(n + ": f32[B, T, 3" + dims + "]");
            args.add(n);
            lets.add("let " + n + " = " + values(n, "[2, 37, 3" + dims + "]", seed++));
        }
        List<String> states = new ArrayList<>();
        Matcher s = STATE.matcher(source);
        while (s.find()) {
            String n = s.group(1) + "0";
            String shape = "[2, 3, " + sizes(s.group(2)) + "]";
            states.add(n);
            params.add(n + ": f32[B, 3, " + sizes(s.group(2)) + "]");
            lets.add("let " + n + " = (rand(" + shape + ", seed = " + (seed++) + ") - 0.5) * 0.5");
        }
        String initial = states.size() == 1 ? states.getFirst() : "(" + String.join(", ", states) + ")";
        String program = source + "\nblock Layer() {\n    forward(" + String.join(", ", params) + ") =\n        " + name + "("
                + String.join(", ", args) + ", initial_state = " + initial + ", output_final_state = true)\n}\n"
                + String.join("\n", lets) + "\nlet (o, s) = Layer()(" + String.join(", ", args.stream().filter(a -> !a.contains("=")).toList())
                + ", " + String.join(", ", states) + ")\n";
        String save = states.size() == 1 ? "s = s" : String.join(", ", java.util.stream.IntStream.range(0, states.size())
                .mapToObj(i -> "s" + i + " = s[" + i + "]").toList());
        Tensor interp = run("interp", program, save, states.size()), cpu = run("cpu", program, save, states.size());
        assertEquals(interp.numel(), cpu.numel());
        Agreement.assertClose(what, interp, cpu);
    }

    private static String sizes(String dims) {
        List<String> out = new ArrayList<>();
        for (String d : dims.split(",\\s*")) out.add(String.valueOf(SIZES.get(d.trim())));
        return String.join(", ", out);
    }

    /** Random inputs that keep 37 steps of each recurrence bounded: log-decays negative, betas in (0, 1), the rest small. */
    private static String values(String n, String shape, int seed) {
        String r = "rand(" + shape + ", seed = " + seed + ")";
        return switch (n) {
            case "g", "gk", "gv", "w", "a" -> "-0.5 * " + r + " - 0.01";
            case "beta", "b1", "b2", "dt", "alpha" -> r;
            default -> "(" + r + " - 0.5) * 0.5";
        };
    }

    private Tensor run(String engine, String program, String save, int states) throws Exception {
        Path out = dir.resolve(engine + ".safetensors");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", engine)
                .err(err).out(new ByteArrayOutputStream()).build()) {
            c.eval(LinLanguage.ID, program + "save(\"" + out + "\", o = o, " + save + ")\n");
        }
        var t = SafeTensors.read(out).tensors();
        List<Tensor> parts = new ArrayList<>();
        parts.add(t.get("o").reshape(-1));
        if (states == 1) parts.add(t.get("s").reshape(-1));
        else for (int i = 0; i < states; i++) parts.add(t.get("s" + i).reshape(-1));
        return Shapes.concat(parts, 0).copy();
    }
}
