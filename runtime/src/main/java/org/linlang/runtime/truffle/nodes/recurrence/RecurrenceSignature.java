package org.linlang.runtime.truffle.nodes.recurrence;

import java.util.List;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.ops.ShapeSpec;

/**
 * What a recurrence's call needs to know of its declaration: which parameters are per-step inputs
 * (tensors of the step's shape, given with leading [batch, time, heads…] dimensions) and which are
 * host values for the whole call ({@code scale: float}); the shapes of its states and of its output,
 * in terms of the step's dimension names.
 *
 * @param spec       the per-step tensor parameters' types (host parameters are not tensors in it);
 *                   int host parameters are its known dimensions, in {@code knownParams} order
 * @param knownParams for each known dimension of {@code spec}, the index of the int parameter that gives it
 */
public record RecurrenceSignature(String name, List<String> params, boolean[] perStep, ShapeSpec spec, int[] knownParams,
                                  List<State> states, ShapeSpec.Dim[] output, DType outputDtype) {

    /** A state: its name and shape (always f32). */
    public record State(String name, ShapeSpec.Dim[] dims, String declared) {}

    public int stepRank(int param) { return spec.param(param).dims().length; }
}
