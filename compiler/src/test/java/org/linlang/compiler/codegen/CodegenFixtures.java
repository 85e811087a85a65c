package org.linlang.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Program;

/** The plans and kernel specs every code generation test covers: tiny_hybrid, every std op, every recurrence family. */
final class CodegenFixtures {
    private CodegenFixtures() {}

    /** Sizes for the dimensions std.ops leaves open (as in KernelCountTest). */
    static final Map<String, Long> DIMS = Map.of("D", 64L, "K", 32L, "V", 64L, "H", 4L, "C", 128L, "W", 4L, "R", 16L,
            "k", 2L); // k: the experts moe_routing and top_k_mask keep

    static Path root() {
        for (Path p : List.of(Path.of("examples"), Path.of("../examples"))) {
            if (Files.isDirectory(p)) return p.toAbsolutePath().normalize().getParent();
        }
        throw new IllegalStateException("cannot find examples/ from " + Path.of("").toAbsolutePath());
    }

    static Program check(String name, String text, Path base) {
        CheckResult r = Frontend.check(new Source(name, text), base);
        assertTrue(r.ok(), name + ":\n" + DiagnosticPrinter.render(r.diagnostics()));
        return r.program();
    }

    static Program tinyHybrid() {
        try {
            Path f = root().resolve("examples/tiny_hybrid.lin");
            return check("tiny_hybrid.lin", Files.readString(f, StandardCharsets.UTF_8), f.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Program stdOps() { return check("ops_test.lin", "import std.ops.*\n", root()); }

    /** Every definition of std.ops by name. */
    static List<String> stdOpNames(Program p) {
        Module ops = p.modules().stream().filter(m -> m.source().path().equals("std/ops.lin")).findFirst().orElseThrow();
        return ops.decls().stream().map(d -> d.name().name()).toList();
    }

    /** The plans: tiny_hybrid forward and step, every std op forward and step, two plans with bf16 inputs. */
    static Map<String, KernelPlan> plans() {
        var out = new LinkedHashMap<String, KernelPlan>();
        Program th = tinyHybrid();
        out.put("tiny_hybrid.forward", KernelPlan.of(KernelGraph.build(th, "TinyHybrid", Map.of("layers", 4L)).graph()));
        out.put("tiny_hybrid.step", KernelPlan.of(KernelGraph.build(th, "TinyHybrid.step", Map.of("layers", 4L)).graph()));
        Program ops = stdOps();
        for (String n : stdOpNames(ops)) {
            out.put(n + ".forward", KernelPlan.of(KernelGraph.build(ops, n, DIMS).graph()));
            out.put(n + ".step", KernelPlan.of(KernelGraph.build(ops, n + ".step", DIMS).graph()));
        }
        Program bf16 = check("bf16.lin", """
                import std.ops.*
                fn norm_bf16(x: bf16[B, T, D], w: [D]) -> [B, T, D] = rmsnorm(x, w)
                fn gdr_bf16(q: bf16[B, T, H, K], k: bf16[B, T, H, K], v: bf16[B, T, H, V], g: [B, T, H], beta: [B, T, H]) -> [B, T, H, V] =
                    gated_delta_rule(q, k, v, g, beta)
                """, root());
        for (String n : List.of("norm_bf16", "gdr_bf16")) out.put(n, KernelPlan.of(KernelGraph.build(bf16, n, DIMS).graph()));
        Program attn = attentionVariants();
        for (String n : List.of("attn_gqa_window", "attn_plain", "attn_bf16", "attn_decode", "attn_decode_wide", "attn_bf16_wide")) out.put(n, KernelPlan.of(KernelGraph.build(attn, n, DIMS).graph()));
        return out;
    }

    /** Attentions the plans compute with one flash kernel: grouped-query heads with a window, neither gate nor sinks, bf16. */
    static Program attentionVariants() {
        return check("attn_variants.lin", """
                import std.ops.*
                fn attn_gqa_window(q: [B, T, 6, 24], k: [B, S, 2, 24], v: [B, S, 2, 20], gate: [B, T, 6, 20], sinks: [6]) -> [B, T, 6, 20] =
                    softmax_attn(q, k, v, G = 3, window = 5, gate = gate, sinks = sinks)
                fn attn_plain(q: [B, T, 4, 32], k: [B, S, 4, 32], v: [B, S, 4, 16]) -> [B, T, 4, 16] = softmax_attn(q, k, v)
                fn attn_bf16(q: bf16[B, T, 4, 32], k: bf16[B, T, 2, 32], v: bf16[B, T, 2, 16]) -> [B, T, 4, 16] = softmax_attn(q, k, v, G = 2)
                fn attn_decode(q: [B, 1, 6, 24], k: [B, S, 2, 24], v: [B, S, 2, 20], gate: [B, 1, 6, 20], sinks: [6]) -> [B, 1, 6, 20] =
                    softmax_attn(q, k, v, G = 3, window = 5, gate = gate, sinks = sinks)
                fn attn_decode_wide(q: [B, 3, 4, 128], k: [B, S, 4, 128], v: [B, S, 4, 256]) -> [B, 3, 4, 256] = softmax_attn(q, k, v)
                fn attn_bf16_wide(q: bf16[B, T, 8, 128], k: bf16[B, S, 2, 128], v: bf16[B, S, 2, 128], sinks: [8]) -> [B, T, 8, 128] =
                    softmax_attn(q, k, v, G = 4, window = 64, sinks = sinks)
                """, root());
    }

    /** Every recurrence family × gate × input type × state use, at awkward sizes. */
    static List<RecurrenceSpec> specs() {
        var out = new ArrayList<RecurrenceSpec>();
        for (boolean delta : new boolean[] {false, true}) {
            for (RecurrenceSpec.Gate g : RecurrenceSpec.Gate.values()) {
                if (delta && g == RecurrenceSpec.Gate.CHANNEL) continue;
                for (DType t : List.of(DType.F32, DType.BF16)) {
                    out.add(new RecurrenceSpec(delta, g, 24, 20, 0.2, t, DType.F32, t, true, true));
                    out.add(new RecurrenceSpec(delta, g, 128, 128, Math.pow(128, -0.5), t, t, t, false, false));
                }
            }
        }
        return out;
    }

    static List<KernelSource> specKernels() {
        var out = new ArrayList<KernelSource>();
        int i = 0;
        for (RecurrenceSpec s : specs()) {
            out.add(RecurrenceKernels.sequential("seq_" + s.tag() + "_" + i, s, null));
            out.add(RecurrenceKernels.chunked("chunked_" + s.tag() + "_" + i, s, null));
            i++;
        }
        for (DType t : List.of(DType.F32, DType.BF16)) {
            var a = new AttentionKernels(8, 2, 64, 64, 0, 0.125, t);
            var w = new AttentionKernels(4, 1, 128, 128, 16, Math.pow(128, -0.5), t);
            out.add(a.prefill("attn_prefill_" + t.lin(), null));
            out.add(w.prefill("attn_prefill_window_" + t.lin(), null));
            out.add(a.decodePartial("attn_decode_" + t.lin(), 4, null));
            out.add(a.decodeCombine("attn_combine_" + t.lin(), 4, null));
        }
        for (DType t : List.of(DType.F32, DType.BF16)) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) out.add(GemmKernel.of("gemm_" + t.lin() + "_" + ta + "_" + tb, t, t, t, ta, tb));
            }
        }
        out.add(CopyKernel.of("lin_copy")); // lin bench's bandwidth probe
        return out;
    }

    /** The classification goldens whose recurrences only the generic step kernel runs (as GenericRecurrenceTest lists them). */
    static final List<String> GENERIC_GOLDENS = List.of(
            "user_delta_product", "user_dplr", "user_emit_between_updates", "user_emit_nonlinear_state", "user_full_matrix",
            "user_hgrn1_scan", "user_host_condition", "user_kda_decay_after", "user_loop_update", "user_mamba1_elementwise",
            "user_overwritten", "user_square_state", "user_state_feeds_state", "user_state_in_if", "user_tanh_step", "user_two_keys",
            "user_value_side_gate", "user_kda", "user_two_states", "user_multi_write");

    private static final java.util.regex.Pattern HEADER = java.util.regex.Pattern.compile("recurrence (\\w+)\\((.*)\\) -> ");
    private static final java.util.regex.Pattern STATE = java.util.regex.Pattern.compile("state (\\w+): \\[([^\\]]*)\\]");

    /**
     * Plans whose recurrence runs on the generic step kernel: each golden of {@link #GENERIC_GOLDENS}
     * called from a block over [B, T, 3, …] inputs twice, once from initial states with the final
     * states (the {@code Init} block) and once from the declared initial values ({@code Plain}); sizes
     * K = 8, V = 5, N = 6, P = 4, D = 7; and a tanh EMA over bf16 inputs at D = 7 and D = 2600 (whose
     * slots pass the local-memory budget).
     */
    static Map<String, KernelPlan> genericPlans() {
        Map<String, String> sizes = Map.of("K", "8", "V", "5", "N", "6", "P", "4", "D", "7");
        var out = new LinkedHashMap<String, KernelPlan>();
        for (String golden : GENERIC_GOLDENS) {
            String source;
            try {
                source = Files.readString(Path.of("src", "test", "resources", "recurrence", golden + ".lin"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var h = HEADER.matcher(source);
            assertTrue(h.find(), golden);
            var params = new ArrayList<String>();
            var args = new ArrayList<String>();
            for (String p : h.group(2).split(",\\s*(?![^\\[]*\\])")) {
                String[] nt = p.split(":\\s*", 2);
                String n = nt[0].trim(), type = nt[1].trim();
                if (type.startsWith("float") || type.startsWith("int")) continue;
                if (type.equals("bool")) {
                    args.add(n + " = true");
                    continue;
                }
                params.add(n + ": f32[B, T, 3" + (type.equals("f32") ? "" : ", " + dims(type.substring(1, type.length() - 1), sizes)) + "]");
                args.add(n);
            }
            var states = new ArrayList<String>();
            var stateParams = new ArrayList<String>();
            var st = STATE.matcher(source);
            while (st.find()) {
                states.add(st.group(1) + "0");
                stateParams.add(st.group(1) + "0: f32[B, 3, " + dims(st.group(2), sizes) + "]");
            }
            var all = new ArrayList<>(params);
            all.addAll(stateParams);
            String call = h.group(1) + "(" + String.join(", ", args);
            String initial = states.size() == 1 ? states.getFirst() : "(" + String.join(", ", states) + ")";
            Program p = check(golden + ".lin", source + "\nblock Init() {\n    forward(" + String.join(", ", all) + ") =\n        " + call
                    + ", initial_state = " + initial + ", output_final_state = true)\n}\n"
                    + "block Plain() {\n    forward(" + String.join(", ", params) + ") = " + call + ")\n}\n", root());
            out.put(golden + ".init", KernelPlan.of(KernelGraph.build(p, "Init", Map.of()).graph()));
            out.put(golden + ".plain", KernelPlan.of(KernelGraph.build(p, "Plain", Map.of()).graph()));
        }
        Program ema = check("tanh_ema.lin", """
                recurrence tanh_ema(x: [D]) -> [D]
                    state m: [D] = 0
                {
                    m = tanh(0.5 * m + x)
                    emit m
                }
                fn ema_bf16(x: bf16[B, T, 2, 7], m0: [B, 2, 7]) -> bf16[B, T, 2, 7] = tanh_ema(x, initial_state = m0)
                fn ema_wide(x: [B, T, 2, 2600]) -> [B, T, 2, 2600] = tanh_ema(x)
                """, root());
        out.put("ema_bf16", KernelPlan.of(KernelGraph.build(ema, "ema_bf16", Map.of()).graph()));
        out.put("ema_wide", KernelPlan.of(KernelGraph.build(ema, "ema_wide", Map.of()).graph()));
        return out;
    }

    private static String dims(String dims, Map<String, String> sizes) {
        var out = new ArrayList<String>();
        for (String d : dims.split(",\\s*")) out.add(sizes.get(d.trim()));
        return String.join(", ", out);
    }

    /** The tensor-core chunked kernels: every variant at K = V = 128 and at K = 32, V = 48, with and without states. */
    static List<KernelSource> tensorCoreKernels() {
        var out = new ArrayList<KernelSource>();
        int i = 0;
        for (RecurrenceSpec s : TensorCoreRecurrence.variants(128, 128, false)) out.add(TensorCoreRecurrence.chunked("tc_" + s.tag() + "_" + i++, s, null));
        for (RecurrenceSpec s : TensorCoreRecurrence.variants(32, 48, true)) out.add(TensorCoreRecurrence.chunked("tc_" + s.tag() + "_" + i++, s, null));
        out.addAll(tensorCoreAttention());
        return out;
    }

    /** The tensor-core flash kernels of the bf16 attention plans (K = 32, V = 16; K = V = 128 with a window and sinks). */
    static List<KernelSource> tensorCoreAttention() {
        var out = new ArrayList<KernelSource>();
        var plans = plans();
        for (String n : List.of("attn_bf16", "attn_bf16_wide")) {
            for (KernelSource k : plans.get(n).kernels(Prelude.Target.CUDA)) {
                if (k.role().startsWith(FlashAttentionTensorCores.FORM)) {
                    out.add(new KernelSource(n + "_" + k.name(), k.body().replace("KERNEL " + k.name() + "(", "KERNEL " + n + "_" + k.name() + "("),
                            k.params(), k.launch(), k.role()));
                }
            }
        }
        if (out.size() != 2) throw new IllegalStateException("expected two tensor-core flash kernels, found " + out.size());
        return out;
    }

    static boolean isRecurrence(Decl d) { return d instanceof Decl.Recurrence; }
}
