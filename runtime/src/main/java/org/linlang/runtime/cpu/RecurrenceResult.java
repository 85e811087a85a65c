package org.linlang.runtime.cpu;

import org.linlang.runtime.tensor.Tensor;

/**
 * What a recurrence returns: the outputs {@code o} as f32 {@code [B, T, H, V]}, and the state after
 * the last token as f32 {@code [B, H, K, V]}, or null when it was not asked for.
 */
public record RecurrenceResult(Tensor output, Tensor finalState) {}
