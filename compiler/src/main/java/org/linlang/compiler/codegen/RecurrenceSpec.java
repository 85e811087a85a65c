package org.linlang.compiler.codegen;

import org.linlang.compiler.types.DType;

/**
 * What a recurrence kernel is generated for: the family (diagonal or delta), the gate, the head
 * sizes, the scale and the element types — independent of how the graph named the pieces.
 * Layouts follow ALGORITHMS.md: q, k {@code [B, T, H, K]}, v and the output {@code [B, T, H, V]},
 * g {@code [B, T, H]} (one decay per head) or {@code [B, T, H, K]} (per key channel), beta
 * {@code [B, T, H]}, states {@code [B, H, K, V]} in f32. Gates are in log space ({@code α = exp(g)}).
 *
 * @param delta        the delta family ({@code S = γ (I − β k kᵀ) S + β k vᵀ}); else diagonal
 * @param gate         no decay, one per head, or one per key channel (diagonal only)
 * @param k            the key size
 * @param v            the value size
 * @param scale        the query's scale
 * @param inputs       the element type of q, k and v in memory (f32 or bf16)
 * @param gates        the element type of g and beta in memory (f32 or bf16)
 * @param output       the element type of the output
 * @param initialState whether an initial state is read
 * @param finalState   whether the final state is written
 * @param pieces       how the kernel reads each piece from its input buffers (the buffers are its parameters)
 */
public record RecurrenceSpec(boolean delta, Gate gate, int k, int v, double scale, DType inputs, DType gates, DType output,
                             boolean initialState, boolean finalState, RecurrencePieces pieces) {
    /** The gate of the transition. */
    public enum Gate { NONE, HEAD, CHANNEL }

    public RecurrenceSpec {
        if (delta && gate == Gate.CHANNEL) throw new CodegenException("a delta step with a per-channel decay (KDA) has no GPU kernel yet");
        if (k < 1 || v < 1) throw new CodegenException("recurrence sizes must be positive, found K=" + k + " V=" + v);
        if (k > 256) throw new CodegenException("the GPU recurrence kernels keep a state column of K floats in registers: K=" + k + " is over 256");
    }

    /** A spec whose pieces are its inputs as they are, buffers {@code q k v g beta}. */
    public RecurrenceSpec(boolean delta, Gate gate, int k, int v, double scale, DType inputs, DType gates, DType output,
                          boolean initialState, boolean finalState) {
        this(delta, gate, k, v, scale, inputs, gates, output, initialState, finalState,
                RecurrencePieces.plain(delta, gate, k, v, inputs, gates));
    }

    /** A short name such as {@code delta_head_k32_v64}. */
    public String tag() {
        return (delta ? "delta" : "diag") + "_" + gate.name().toLowerCase(java.util.Locale.ROOT) + "_k" + k + "_v" + v;
    }
}
