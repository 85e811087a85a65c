package org.linlang.runtime.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.values.LinFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lin op NAME --inputs IN.safetensors --out OUT.safetensors}: calls one function or recurrence
 * of a module (e.g. {@code std.ops.gated_delta_rule}) on tensors from a file, and writes its results.
 *
 * <p>Tensor parameters are bound by name from the input file (and {@code initial_state}, for a
 * recurrence: {@code initial_state} for one state, {@code initial_state.NAME} for each of several);
 * scalar parameters from {@code --arg name=value}, read as the parameter's declared type. Results are
 * written by name: {@code o}, then {@code final_state} when {@code --arg output_final_state=true} (or
 * {@code o0, o1, …} for a function returning a tuple). {@code --bench N} runs N more times after the
 * first and prints the median milliseconds on the last line.
 */
@Command(name = "op",
        description = {"Run one function or recurrence of a module on tensors read from a safetensors file.",
                "Example: lin op std.ops.gated_delta_rule --inputs in.safetensors --out out.safetensors --arg output_final_state=true"})
final class OpCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "NAME", description = "The module and definition, e.g. std.ops.gated_delta_rule.")
    String name;

    @Option(names = "--inputs", required = true, paramLabel = "FILE", description = "The tensor arguments, by parameter name (.safetensors).")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the results go (.safetensors).")
    Path out;

    @Option(names = "--engine", defaultValue = "interp", paramLabel = "ENGINE",
            description = "interp (the Truffle interpreter), cpu, cuda, opencl or auto; default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--bench", defaultValue = "0", paramLabel = "N", description = "Run N more times and print the median milliseconds.")
    int bench;

    @Option(names = "--arg", paramLabel = "NAME=VALUE", description = "A scalar argument, read as its parameter's type.")
    List<String> args = new ArrayList<>();

    OpCommand(Io io) {
        this.io = io;
    }

    /** A problem with the command line or the inputs: one sentence, exit status 2 (usage) or 1. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    public Integer call() {
        try {
            return run();
        } catch (Refused r) {
            io.err().println("lin op: " + r.getMessage());
            return r.status;
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    private int run() throws Refused {
        boolean cpu = false, auto = false;
        String gpu = null; // opencl or cuda
        switch (engine.toLowerCase(Locale.ROOT)) {
            case "interp" -> { }
            case "auto" -> {
                String noGpu = org.linlang.runtime.gpu.cuda.CudaDriver.whyUnavailable();
                if (noGpu == null) gpu = "cuda";
                else {
                    io.err().println("lin op: engine auto chooses cpu, as cuda cannot run: " + noGpu);
                    auto = true;
                }
            }
            case "cpu" -> cpu = true;
            case "cuda", "opencl" -> gpu = engine.toLowerCase(Locale.ROOT);
            default -> throw new Refused(LinCli.EXIT_USAGE, "unknown engine '" + engine + "'; choose interp, cpu, cuda, opencl or auto");
        }
        if ("cuda".equals(gpu) && org.linlang.runtime.gpu.cuda.CudaDriver.whyUnavailable() != null) {
            throw new Refused(LinCli.EXIT_ERRORS, "engine cuda cannot run: " + org.linlang.runtime.gpu.cuda.CudaDriver.whyUnavailable());
        }
        if (bench < 0) throw new Refused(LinCli.EXIT_USAGE, "--bench needs a count >= 0");
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            throw new Refused(LinCli.EXIT_USAGE, "NAME is a module and a definition, such as std.ops.gated_delta_rule; got '" + name + "'");
        }
        String modulePath = name.substring(0, dot);
        String defName = name.substring(dot + 1);
        Decl decl = find(modulePath, defName);
        List<Param> params = decl.params();
        boolean recurrence = decl instanceof Decl.Recurrence;

        Set<String> available;
        try {
            available = new LinkedHashSet<>(SafeTensors.read(inputs).tensors().keySet());
        } catch (IOException e) {
            throw new Refused(LinCli.EXIT_ERRORS, e instanceof java.nio.file.NoSuchFileException ? "cannot read " + inputs + ": no such file" : e.getMessage());
        }
        Map<String, String> given = parseArgs();
        Map<String, String> call = new LinkedHashMap<>(); // parameter -> Lin expression
        Set<String> used = new LinkedHashSet<>();
        for (Param p : params) {
            String pn = p.name().name();
            if (isTensor(p.type())) {
                if (given.containsKey(pn)) throw new Refused(LinCli.EXIT_USAGE, "'" + pn + "' is a tensor parameter; put it in the input file, not in --arg");
                if (available.contains(pn)) {
                    call.put(pn, "__inputs[" + LinFormat.repr(pn) + "]");
                    used.add(pn);
                } else if (p.defaultValue() == null) {
                    throw new Refused(LinCli.EXIT_ERRORS, inputs + " has no tensor '" + pn + "' for parameter " + pn + ": "
                            + p.type().span().text() + " of " + name + " (it has " + String.join(", ", available) + ")");
                }
            } else if (given.containsKey(pn)) {
                call.put(pn, literal(p, given.remove(pn)));
            } else if (p.defaultValue() == null) {
                throw new Refused(LinCli.EXIT_USAGE, name + " needs --arg " + pn + "=VALUE (" + typeText(p.type()) + ")");
            }
        }
        boolean wantFinal = false;
        if (recurrence) {
            Decl.Recurrence r = (Decl.Recurrence) decl;
            if (given.containsKey("output_final_state")) {
                String v = given.remove("output_final_state");
                if (!v.equals("true") && !v.equals("false")) throw new Refused(LinCli.EXIT_USAGE, "--arg output_final_state takes true or false, got '" + v + "'");
                wantFinal = v.equals("true");
                call.put("output_final_state", v);
            }
            List<String> stateNames = r.states().stream().map(s -> s.name().name()).toList();
            if (stateNames.size() == 1 && available.contains("initial_state")) {
                call.put("initial_state", "__inputs[\"initial_state\"]");
                used.add("initial_state");
            } else if (stateNames.size() > 1 && stateNames.stream().anyMatch(s -> available.contains("initial_state." + s))) {
                List<String> parts = new ArrayList<>();
                for (String s : stateNames) {
                    if (!available.contains("initial_state." + s)) throw new Refused(LinCli.EXIT_ERRORS, inputs + " has no tensor 'initial_state." + s + "'");
                    parts.add("__inputs[" + LinFormat.repr("initial_state." + s) + "]");
                    used.add("initial_state." + s);
                }
                call.put("initial_state", "(" + String.join(", ", parts) + ")");
            }
        }
        if (!given.isEmpty()) {
            throw new Refused(LinCli.EXIT_USAGE, name + " has no scalar parameter '" + given.keySet().iterator().next() + "' (it takes "
                    + String.join(", ", params.stream().map(p -> p.name().name()).toList()) + (recurrence ? ", output_final_state" : "") + ")");
        }
        available.removeAll(used);
        if (!available.isEmpty()) {
            throw new Refused(LinCli.EXIT_ERRORS, inputs + " has tensor '" + available.iterator().next() + "', which is no parameter of " + name);
        }
        if (cpu) return CpuOp.run(this, CpuOp.compile(this, modulePath, defName, call), wantFinal);
        if (gpu != null) return GpuOp.run(this, gpu, modulePath, defName, call, wantFinal);
        if (auto) {
            try {
                return CpuOp.run(this, CpuOp.compile(this, modulePath, defName, call), wantFinal);
            } catch (Refused r) {
                io.err().println("lin op: engine auto runs " + name + " on interp: " + r.getMessage());
            }
        }
        List<String> argTexts = new ArrayList<>();
        call.forEach((k, v) -> argTexts.add(k + " = " + v));
        String program = "import " + modulePath + ".{" + defName + " as __op}\n"
                + "fn __run(__inputs) = __op(" + String.join(", ", argTexts) + ")\n"
                + "let __pair = (__run, load(" + LinFormat.repr(inputs.toString()) + "))\n"
                + "__pair\n";
        return execute(program, recurrence && wantFinal);
    }

    private int execute(String program, boolean withFinalState) {
        try (Context context = Context.newBuilder(LinLanguage.ID).in(io.in()).out(new CheckedOutput(io.out())).err(io.err())
                .allowIO(org.graalvm.polyglot.io.IOAccess.ALL).allowExperimentalOptions(true).build()) {
            Value pair = context.eval(org.graalvm.polyglot.Source.newBuilder(LinLanguage.ID, program, "<lin op " + name + ">").buildLiteral());
            Value run = pair.getArrayElement(0);
            Value tensors = pair.getArrayElement(1);
            long start = System.nanoTime();
            Value result = run.execute(tensors);
            double first = (System.nanoTime() - start) / 1e6;
            double[] times = new double[bench];
            for (int i = 0; i < bench; i++) {
                long t0 = System.nanoTime();
                result = run.execute(tensors);
                times[i] = (System.nanoTime() - t0) / 1e6;
            }
            Map<String, String> outputs = outputs(result, withFinalState);
            List<String> saveArgs = new ArrayList<>();
            outputs.forEach((k, v) -> saveArgs.add(k.replace('.', '_') + " = " + v));
            Value save = context.eval(org.graalvm.polyglot.Source.newBuilder(LinLanguage.ID,
                    "fn __save(r) = save(" + LinFormat.repr(out.toString()) + ", " + String.join(", ", saveArgs) + ")\n__save", "<lin op save>").buildLiteral());
            save.execute(result);
            for (String k : outputs.keySet()) {
                Value v = valueAt(result, outputs.get(k));
                io.out().println(k.replace('.', '_') + ": " + v.getMember("dtype").asString() + v.getMember("shape"));
            }
            if (bench > 0) {
                Arrays.sort(times);
                double median = bench % 2 == 1 ? times[bench / 2] : (times[bench / 2 - 1] + times[bench / 2]) / 2;
                io.out().printf(Locale.ROOT, "first call %.3f ms; median of %d more: %.3f ms%n", first, bench, median);
                io.out().printf(Locale.ROOT, "%.3f%n", median);
            }
            return LinCli.EXIT_OK;
        } catch (PolyglotException e) {
            return RuntimeErrorPrinter.report(e, io);
        }
    }

    /** The results to write: name -> how to reach it from the call's value r, as Lin code. */
    private static Map<String, String> outputs(Value result, boolean withFinalState) {
        Map<String, String> out = new LinkedHashMap<>();
        if (withFinalState) {
            out.put("o", "r[0]");
            Value fin = result.getArrayElement(1);
            if (fin.hasMember("shape")) out.put("final_state", "r[1]");
            else for (int i = 0; i < fin.getArraySize(); i++) out.put("final_state." + i, "r[1][" + i + "]");
        } else if (result.hasMember("shape")) {
            out.put("o", "r");
        } else if (result.hasArrayElements()) {
            for (int i = 0; i < result.getArraySize(); i++) out.put("o" + i, "r[" + i + "]");
        } else {
            out.put("o", "r");
        }
        return out;
    }

    private static Value valueAt(Value r, String path) {
        Value v = r;
        var m = java.util.regex.Pattern.compile("\\[(\\d+)]").matcher(path);
        while (m.find()) v = v.getArrayElement(Integer.parseInt(m.group(1)));
        return v;
    }

    /** The definition, after checking its module: a function or recurrence. */
    Io io() { return io; }

    /** The checked program holding the op, kept for the cpu engine's classification. */
    private CheckResult checked;

    private Decl find(String modulePath, String defName) throws Refused {
        String probe = "import " + modulePath + ".{" + defName + "}\n";
        checked = Frontend.check(new Source("<lin op>", probe));
        if (!checked.ok()) {
            String text = DiagnosticPrinter.render(checked.diagnostics()).stripTrailing();
            throw new Refused(LinCli.EXIT_ERRORS, "cannot use " + name + ":\n" + text);
        }
        String file = modulePath.replace('.', '/') + ".lin";
        for (Module m : checked.program().modules()) {
            if (!Path.of(m.source().path()).normalize().toString().equals(Path.of(file).normalize().toString())) continue;
            for (Decl d : m.decls()) {
                if (!d.name().name().equals(defName)) continue;
                if (d instanceof Decl.Block b) {
                    throw new Refused(LinCli.EXIT_USAGE, name + " is a " + b.kindWord() + "; lin op runs functions and recurrences");
                }
                return d;
            }
        }
        throw new Refused(LinCli.EXIT_ERRORS, "module " + modulePath + " has no definition '" + defName + "'");
    }

    private Map<String, String> parseArgs() throws Refused {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) throw new Refused(LinCli.EXIT_USAGE, "--arg takes NAME=VALUE, got '" + a + "'");
            String k = a.substring(0, eq).strip();
            if (out.put(k, a.substring(eq + 1).strip()) != null) throw new Refused(LinCli.EXIT_USAGE, "--arg " + k + " is given twice");
        }
        return out;
    }

    private static boolean isTensor(TypeExpr type) {
        if (type instanceof TypeExpr.Tensor) return true;
        return type instanceof TypeExpr.Named n && Set.of("f32", "f16", "bf16", "i32", "i64").contains(n.name().name());
    }

    private static String typeText(TypeExpr type) {
        return type == null ? "any value" : type.span().text();
    }

    /** An --arg value as a Lin literal of the parameter's declared type. */
    private String literal(Param p, String value) throws Refused {
        String type = p.type() instanceof TypeExpr.Named n ? n.name().name() : "";
        String what = "--arg " + p.name().name() + "=" + value;
        try {
            return switch (type) {
                case "int" -> Long.toString(Long.parseLong(value.replace("_", "")));
                case "float" -> LinFormat.formatFloat(Double.parseDouble(value));
                case "bool" -> switch (value) {
                    case "true", "false" -> value;
                    default -> throw new Refused(LinCli.EXIT_USAGE, what + ": expected true or false");
                };
                case "string" -> LinFormat.repr(value);
                default -> numberOrString(value);
            };
        } catch (NumberFormatException e) {
            throw new Refused(LinCli.EXIT_USAGE, what + ": expected " + (type.equals("int") ? "an int" : "a float"));
        }
    }

    private static String numberOrString(String value) {
        if (value.matches("-?[0-9]+")) return value;
        try {
            return LinFormat.formatFloat(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return value.equals("true") || value.equals("false") ? value : LinFormat.repr(value);
        }
    }
}
