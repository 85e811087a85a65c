package org.linlang.runtime.gpu;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.linlang.compiler.codegen.GroupKernels;
import org.linlang.compiler.codegen.KernelParam;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Step;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.types.Sym;
import org.linlang.runtime.cpu.ChunkFlops;

/**
 * What one launch of a device plan moves and computes at the call's sizes, for {@code lin bench}:
 * {@code bytes} is the sum of the sizes of the buffers it is given (each read or written once:
 * a lower bound on the traffic where a kernel reads a buffer several times, an upper one where it
 * reads part of it); {@code flops} counts the matrix products only, as {@link ChunkFlops} does,
 * so GFLOP/s compares with a GEMM's:
 * <ul>
 *   <li>a GEMM (cuBLAS or its portable twin): 2·m·n·k·batch; a portable matmul kernel: 2 per
 *       multiply-add of its product;</li>
 *   <li>a chunked recurrence kernel: {@link ChunkFlops#delta} or {@link ChunkFlops#gla} at the
 *       kernel's chunk length; a sequential one: per step and head 6·K·V (delta: kᵀS, the
 *       rank-one write, qᵀS) or 4·K·V (diagonal: the write and qᵀS);</li>
 *   <li>a flash attention kernel: 2·(K + V) per (query, visible key) pair — 4·T·S·d per head
 *       without a mask — counting only the keys the causal mask and the window let a row see;</li>
 *   <li>everything else (elementwise, rowwise, prologues, epilogues): 0, reported by bandwidth.</li>
 * </ul>
 *
 * @param kernel the kernel's name ({@code k5_gemm} for a GEMM step of group k5)
 * @param role   what it computes
 */
public record LaunchCost(String kernel, String role, long bytes, double flops) {
    private static final Pattern RECURRENCE = Pattern.compile("^(chunked|sequential) (delta|diag)_(\\w+)_k(\\d+)_v(\\d+)(?: L=(\\d+))?");
    private static final Pattern WINDOW = Pattern.compile(", window (\\d+)");

    /** A GEMM step at evaluated sizes. */
    public static LaunchCost gemm(GroupKernels gk, Step.Gemm g, Map<Sym, Long> sizes) {
        long bytes = PlanSizes.bytes(g.a(), sizes) + PlanSizes.bytes(g.b(), sizes) + PlanSizes.bytes(g.out(), sizes);
        double flops = 2.0 * PlanSizes.eval(g.m(), sizes) * PlanSizes.eval(g.n(), sizes) * PlanSizes.eval(g.k(), sizes) * PlanSizes.eval(g.batch(), sizes);
        return new LaunchCost(gk.group().label() + "_gemm", g.toString(), bytes, flops);
    }

    /** A generated kernel's launch at evaluated sizes. */
    public static LaunchCost launch(GroupKernels gk, KernelSource k, Map<Sym, Long> sizes) {
        long bytes = 0;
        for (KernelParam p : k.params()) if (!p.size() && p.node() != null) bytes += PlanSizes.bytes(p.node(), sizes);
        return new LaunchCost(k.name(), k.role(), bytes, flops(gk, k, sizes));
    }

    private static double flops(GroupKernels gk, KernelSource k, Map<Sym, Long> sizes) {
        String role = k.role();
        Matcher r = RECURRENCE.matcher(role);
        if (r.find()) {
            int b = (int) size(k, "n_B", sizes), t = (int) size(k, "n_T", sizes), h = (int) size(k, "n_H", sizes);
            int kk = Integer.parseInt(r.group(4)), v = Integer.parseInt(r.group(5));
            boolean delta = r.group(2).equals("delta");
            if (r.group(1).equals("chunked")) {
                int chunk = Integer.parseInt(r.group(6));
                return delta ? ChunkFlops.delta(b, t, h, kk, v, chunk) : ChunkFlops.gla(b, t, h, kk, v, chunk);
            }
            return (delta ? 6.0 : 4.0) * kk * v * (double) b * t * h;
        }
        if (role.startsWith("flash attention")) return attention(k, role, sizes);
        if (role.startsWith("matmul")) {
            Node mm = gk.group().anchor();
            if (mm.op() != Op.MATMUL) return 0;
            long out = 1;
            for (long d : PlanSizes.shape(mm, sizes)) out *= d;
            return 2.0 * out * inner(mm, sizes);
        }
        return 0;
    }

    private static long size(KernelSource k, String name, Map<Sym, Long> sizes) {
        return PlanSizes.eval(k.param(name).dim(), sizes);
    }

    /** The inner dimension of a matrix product. */
    private static long inner(Node mm, Map<Sym, Long> sizes) {
        long[] a = PlanSizes.shape(mm.input(0), sizes);
        if (a.length == 1) return a[0];
        return mm.flag("transpose_a") ? a[a.length - 2] : a[a.length - 1];
    }

    /**
     * The flash kernel writes P·V [.., T, V]; P [.., T, S] comes from a softmax of the scores Q·Kᵀ,
     * masked by a {@code where} when the attention is causal (bottom-right: row t sees keys up to
     * t + S − T, and no more than the window's W last of them).
     */
    private static double attention(KernelSource k, String role, Map<Sym, Long> sizes) {
        Node pv = null;
        for (KernelParam p : k.params()) if (!p.size() && p.written()) pv = p.node();
        if (pv == null || pv.op() != Op.MATMUL) return 0;
        long[] o = PlanSizes.shape(pv, sizes);
        long t = o[o.length - 2], v = o[o.length - 1];
        long[] prob = PlanSizes.shape(pv.input(0), sizes);
        long s = prob[prob.length - 1];
        long rows = 1;
        for (int i = 0; i < o.length - 1; i++) rows *= o[i];
        Node qk = null;
        boolean masked = false;
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        var todo = new ArrayDeque<>(List.of(pv.input(0)));
        while (!todo.isEmpty() && qk == null) {
            Node n = todo.poll();
            if (!seen.add(n)) continue;
            if (n.op() == Op.MATMUL) qk = n;
            else {
                if (n.op() == Op.WHERE) masked = true;
                n.inputs().forEach(todo::add);
            }
        }
        if (qk == null) return 0;
        long key = inner(qk, sizes);
        Matcher w = WINDOW.matcher(role);
        long window = w.find() ? Long.parseLong(w.group(1)) : 0;
        double visible = 0; // keys seen by the T rows of one head
        for (long row = 0; row < t; row++) {
            long n = masked ? Math.max(0, Math.min(s, row + s - t + 1)) : s;
            if (masked && window > 0) n = Math.min(n, window);
            visible += n;
        }
        return 2.0 * (key + v) * visible * (rows / (double) t);
    }
}
