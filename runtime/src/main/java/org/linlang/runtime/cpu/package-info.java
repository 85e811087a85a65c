/**
 * The cpu engine's kernels. So far: the recurrence families that the compiler classifies user
 * recurrences into, each with a chunked form for prefill and a sequential form for decoding.
 *
 * <ul>
 *   <li>{@link org.linlang.runtime.cpu.DiagonalRecurrence}: {@code S_t = diag(α_t) S_(t-1) + k_t v_tᵀ},
 *       no gate, one gate per head or one per key channel (linear attention, RetNet, Mamba-2, GLA).
 *   <li>{@link org.linlang.runtime.cpu.DeltaRecurrence}:
 *       {@code S_t = γ_t (I − β_t k_t k_tᵀ) S_(t-1) + β_t k_t v_tᵀ} (DeltaNet, Gated DeltaNet), chunked
 *       in the WY/UT form.
 *   <li>Both return a {@link org.linlang.runtime.cpu.RecurrenceResult}; f32 throughout, states in f32.
 * </ul>
 *
 * <p>Inside: {@code Gemm} (Vector API matrix products sized for chunks, faster than OpenBLAS at
 * these sizes on the project's machine), {@code WorkerPool} (one daemon thread per extra core,
 * allocation-free loops), {@code DiagonalChunk} / {@code DeltaChunk} (one (batch, head, value
 * slice) work item of the chunked forms) and {@code SequentialKernel} (both sequential forms).
 * Numerics and measured speeds: {@code docs/cpu-kernels.md}.
 */
package org.linlang.runtime.cpu;
