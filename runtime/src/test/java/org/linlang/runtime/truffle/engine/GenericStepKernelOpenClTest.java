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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * The GPU's generic step kernel (compiler/…/codegen/GenericStepKernel) on PoCL against the
 * interpreter: every recurrence of the classification goldens that the fast GPU families do not
 * take (the general and nonlinear classes, KDA, several states, several writes — the set
 * GenericRecurrenceTest runs on the cpu engine), and a tanh EMA, called from a block with batch 2,
 * 3 heads, T = 37, 7 and 1 (one program per recurrence, so one plan), random inputs and random
 * initial states, output_final_state. Outputs and final states agree to relative RMS ≤ 1e-4 (f32
 * both; the interpreter computes its functions in double, the kernel in f32).
 */
class GenericStepKernelOpenClTest {
    @TempDir Path dir;

    private static final double TOLERANCE = 1e-4;
    private static final int[] STEPS = {37, 7, 1};
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
        check(golden, Files.readString(GOLDENS.resolve(golden + ".lin")), SIZES);
    }

    /** An EMA through tanh, the recurrence the opencl engine used to refuse. */
    @Test
    void tanhEma() throws Exception {
        check("tanh_ema", TANH_EMA, SIZES);
    }

    /**
     * The same EMA at D = 2600: its five slots (13,000 floats) pass the local-memory budget, so the
     * kernel keeps them in a global scratch buffer per sequence (LaunchLimitsTest checks the form).
     */
    @Test
    void slotsInGlobalMemory() throws Exception {
        check("tanh_ema_wide", TANH_EMA, Map.of("D", 2600));
    }

    static final String TANH_EMA = """
            recurrence tanh_ema(x: [D]) -> [D]
                state m: [D] = 0
            {
                m = tanh(0.5 * m + x)
                emit m
            }
            """;

    private void check(String what, String source, Map<String, Integer> sizes) throws Exception {
        Matcher h = HEADER.matcher(source);
        assertTrue(h.find(), what + " declares a recurrence");
        String name = h.group(1);
        List<String> params = new ArrayList<>(), args = new ArrayList<>(), tensors = new ArrayList<>(), inputDims = new ArrayList<>();
        for (String p : h.group(2).split(",\\s*(?![^\\[]*\\])")) {
            String[] nt = p.split(":\\s*", 2);
            String n = nt[0].trim(), type = nt[1].trim();
            if (type.startsWith("float") || type.startsWith("int")) continue; // a host parameter with its default
            if (type.equals("bool")) {
                args.add(n + " = true");
                continue;
            }
            String dims = type.equals("f32") ? "" : ", " + sizes(type.substring(1, type.length() - 1), sizes);
            params.add(n + ": f32[B, T, 3" + dims + "]");
            args.add(n);
            tensors.add(n);
            inputDims.add(dims);
        }
        List<String> states = new ArrayList<>(), stateDims = new ArrayList<>();
        Matcher s = STATE.matcher(source);
        while (s.find()) {
            states.add(s.group(1) + "0");
            stateDims.add(sizes(s.group(2), sizes));
            params.add(s.group(1) + "0: f32[B, 3, " + stateDims.getLast() + "]");
        }
        String initial = states.size() == 1 ? states.getFirst() : "(" + String.join(", ", states) + ")";
        var program = new StringBuilder(source).append("\nblock Layer() {\n    forward(").append(String.join(", ", params)).append(") =\n        ")
                .append(name).append("(").append(String.join(", ", args)).append(", initial_state = ").append(initial)
                .append(", output_final_state = true)\n}\nlet layer = Layer()\n");
        var saved = new ArrayList<String>();
        int seed = 1;
        for (int t : STEPS) {
            var call = new ArrayList<String>();
            for (int i = 0; i < tensors.size(); i++) {
                String v = tensors.get(i) + "_" + t;
                program.append("let ").append(v).append(" = ").append(values(tensors.get(i), "[2, " + t + ", 3" + inputDims.get(i) + "]", seed++)).append('\n');
                call.add(v);
            }
            for (int j = 0; j < states.size(); j++) {
                String v = states.get(j) + "_" + t;
                program.append("let ").append(v).append(" = (rand([2, 3, ").append(stateDims.get(j)).append("], seed = ").append(seed++).append(") - 0.5) * 0.5\n");
                call.add(v);
            }
            program.append("let (o_").append(t).append(", s_").append(t).append(") = layer(").append(String.join(", ", call)).append(")\n");
            saved.add("o_" + t + " = o_" + t);
            if (states.size() == 1) saved.add("s_" + t + " = s_" + t);
            else for (int j = 0; j < states.size(); j++) saved.add("s" + j + "_" + t + " = s_" + t + "[" + j + "]");
        }
        Map<String, Tensor> interp = run("interp", program.toString(), saved), device = run("opencl", program.toString(), saved);
        assertEquals(interp.keySet(), device.keySet());
        for (String k : interp.keySet()) {
            double e = DeviceCallsOpenClTest.relRms(interp.get(k), device.get(k));
            System.out.printf("%s %s on opencl: relative RMS error %.2e%n", what, k, e);
            assertTrue(e <= TOLERANCE, what + " " + k + ": relative RMS error " + e + " > " + TOLERANCE);
        }
    }

    private static String sizes(String dims, Map<String, Integer> sizes) {
        List<String> out = new ArrayList<>();
        for (String d : dims.split(",\\s*")) out.add(String.valueOf(sizes.get(d.trim())));
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

    private Map<String, Tensor> run(String engine, String program, List<String> saved) throws Exception {
        Path out = dir.resolve(engine + ".safetensors");
        DeviceCallsOpenClTest.run(engine, program + "save(\"" + out + "\", " + String.join(", ", saved) + ")\n", new ByteArrayOutputStream());
        return SafeTensors.read(out).tensors();
    }
}
