package org.linlang.runtime.truffle.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The program the generic kernels' tests run on two engines: a recurrence (a classification golden
 * of compiler/src/test/resources/recurrence, or one written in the test) called from a block over
 * {@code [B, T, 3, …]} inputs with initial states and {@code output_final_state}, then called at
 * batch 2 for each length given, with random inputs and initial states (seeds 1, 2, … in order).
 */
record GoldenRecurrenceProgram(String text, List<String> saved) {
    static final Path GOLDENS = Path.of("..", "compiler", "src", "test", "resources", "recurrence");
    static final Map<String, Integer> SIZES = Map.of("K", 8, "V", 5, "N", 6, "P", 4, "D", 7);
    private static final Pattern HEADER = Pattern.compile("recurrence (\\w+)\\((.*)\\) -> ");
    private static final Pattern STATE = Pattern.compile("state (\\w+): \\[([^\\]]*)\\]");

    /**
     * The program for {@code source}'s recurrence at these sizes; {@link #saved} names what each
     * length T gives as {@code save} arguments: {@code o_T}, and {@code s_T} for one state or
     * {@code s0_T, s1_T, …} for several.
     */
    static GoldenRecurrenceProgram of(String what, String source, Map<String, Integer> sizes, int... lengths) {
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
        for (int t : lengths) {
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
        return new GoldenRecurrenceProgram(program.toString(), List.copyOf(saved));
    }

    /** The program, then a {@code save} of everything it computed to {@code file}. */
    String savingTo(Path file) {
        return text + "save(\"" + file + "\", " + String.join(", ", saved) + ")\n";
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
}
