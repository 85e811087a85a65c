package org.linlang.compiler.ir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.ir.passes.Canonicalize;
import org.linlang.compiler.ir.passes.ClassifyRecurrences;
import org.linlang.compiler.ir.passes.GroupFusible;
import org.linlang.compiler.ir.passes.InlineAndUnroll;
import org.linlang.compiler.ir.passes.PlanBuffers;
import org.linlang.compiler.types.Program;

/**
 * One test per pass, on printed IR: {@code ir/passes/X.lin} names its entries in
 * {@code // entry: Name key=value …} lines; for each, the passes before the one under test run,
 * then the pass itself, and {@code X.expected} holds the IR before and after it. The verifier
 * runs between passes. {@code -Dgolden.update=true} rewrites the expected files.
 */
class PassGoldenTest {
    private static final Pattern ENTRY = Pattern.compile("^//\\s*entry:\\s*(\\S+)(.*)$", Pattern.MULTILINE);

    @Test
    void inlineAndUnroll() { check("inline_and_unroll", InlineAndUnroll.class, Printer::print); }

    @Test
    void canonicalize() { check("canonicalize", Canonicalize.class, Printer::print); }

    @Test
    void classifyRecurrences() { check("classify_recurrences", ClassifyRecurrences.class, Printer::print); }

    @Test
    void groupFusible() { check("group_fusible", GroupFusible.class, Pipeline::render); }

    @Test
    void planBuffers() { check("plan_buffers", PlanBuffers.class, g -> KernelPrinter.print(g) + KernelPrinter.buffers(g)); }

    private static void check(String name, Class<? extends Pass> under, Function<Graph, String> after) {
        Path file = IrFixtures.resources().resolve("passes").resolve(name + ".lin");
        Program program = IrFixtures.check(file);
        List<Pass> all = Pipeline.standard().passes();
        var before = new ArrayList<Pass>();
        Pass pass = null;
        for (Pass p : all) {
            if (under.isInstance(p)) {
                pass = p;
                break;
            }
            before.add(p);
        }
        var out = new StringBuilder();
        for (var entry : entries(file)) {
            Graph g0 = KernelGraph.initial(program, entry.getKey(), entry.getValue());
            Graph in = Pipeline.of(before.toArray(Pass[]::new)).run(g0);
            Graph res = Pipeline.of(pass).run(in);
            out.append("// before ").append(pass.name()).append('\n').append(Printer.print(in)).append('\n');
            out.append("// after ").append(pass.name()).append('\n').append(after.apply(res)).append('\n');
        }
        IrFixtures.golden(file.resolveSibling(name + ".expected"), out.toString());
    }

    static List<Map.Entry<String, Map<String, Long>>> entries(Path file) {
        try {
            String text = Files.readString(file);
            Matcher m = ENTRY.matcher(text);
            var out = new ArrayList<Map.Entry<String, Map<String, Long>>>();
            while (m.find()) {
                Map<String, Long> args = new LinkedHashMap<>();
                for (String kv : m.group(2).trim().split("\\s+")) {
                    if (kv.isEmpty()) continue;
                    String[] p = kv.split("=");
                    args.put(p[0], Long.parseLong(p[1]));
                }
                out.add(Map.entry(m.group(1), args));
            }
            if (out.isEmpty()) throw new IllegalStateException(file + " names no entry");
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
