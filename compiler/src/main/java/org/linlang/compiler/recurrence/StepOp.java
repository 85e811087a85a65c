package org.linlang.compiler.recurrence;

import java.util.List;

/**
 * One operation of a recurrence's step body, over numbered slots of f32 values ({@link StepOps}):
 * a closure over float arrays in the cpu engine's generic kernel ({@code runtime/…/cpu/StepProgram}),
 * one loop of the work-group over the result's elements in the GPU's
 * ({@code codegen/GenericStepKernel}). Each op writes a slot of its own (values are
 * single-assignment within a step), except the copies home of states and into the slot both
 * branches of an {@code if} share.
 *
 * <p>{@link #reads} and {@link #writes} say which slots an op touches and whether element {@code e}
 * of the op touches element {@code e} of the slot ({@code aligned}): the GPU kernel shares elements
 * out to work items by {@code e mod local}, so an aligned read of a slot an aligned op wrote needs no
 * barrier; anything else does.
 */
public sealed interface StepOp {

    /** A slot touched, and whether element e of the op touches element e of it. */
    record Use(int slot, boolean aligned) {}

    List<Use> reads();

    List<Use> writes();

    /** Step input {@code input}'s row of {@code n} elements at the token. */
    record Load(int input, int dst, int n) implements StepOp {
        public List<Use> reads() { return List.of(); }
        public List<Use> writes() { return List.of(new Use(dst, true)); }
    }

    /** An elementwise function ({@code neg exp log sqrt rsqrt tanh sigmoid silu softplus relu abs}). */
    record Unary(String fn, int src, int dst, int n) implements StepOp {
        public List<Use> reads() { return List.of(new Use(src, true)); }
        public List<Use> writes() { return List.of(new Use(dst, true)); }
    }

    /** An elementwise binary operator with numpy broadcasting from {@code aShape} and {@code cShape} to {@code shape}. */
    record Binary(org.linlang.compiler.ast.Expr.BinaryOp op, int a, int[] aShape, int c, int[] cShape, int dst, int[] shape) implements StepOp {
        public List<Use> reads() {
            return List.of(new Use(a, java.util.Arrays.equals(aShape, shape)), new Use(c, java.util.Arrays.equals(cShape, shape)));
        }
        public List<Use> writes() { return List.of(new Use(dst, true)); }
    }

    /** {@code [m, k] @ [k, n]} (a vector is a matrix of one row or column): one output element per item, f32 sums. */
    record MatMul(int a, int b, int dst, int m, int k, int n) implements StepOp {
        public List<Use> reads() { return List.of(new Use(a, false), new Use(b, false)); }
        public List<Use> writes() { return List.of(new Use(dst, true)); }
    }

    /** {@code outer(a, b)}: {@code [m] × [n] → [m, n]}. */
    record Outer(int a, int b, int dst, int m, int n) implements StepOp {
        public List<Use> reads() { return List.of(new Use(a, false), new Use(b, false)); }
        public List<Use> writes() { return List.of(new Use(dst, true)); }
    }

    /** A {@code [m, n]} matrix transposed. */
    record Transpose(int src, int dst, int m, int n) implements StepOp {
        public List<Use> reads() { return List.of(new Use(src, false)); }
        public List<Use> writes() { return List.of(new Use(dst, true)); }
    }

    /** The sum of all {@code n} elements. */
    record SumAll(int src, int n, int dst) implements StepOp {
        public List<Use> reads() { return List.of(new Use(src, false)); }
        public List<Use> writes() { return List.of(new Use(dst, true)); }
    }

    /** A sum over one axis of a tensor seen as {@code [outer, len, inner]}. */
    record SumAxis(int src, int dst, int outer, int len, int inner) implements StepOp {
        public List<Use> reads() { return List.of(new Use(src, false)); }
        public List<Use> writes() { return List.of(new Use(dst, true)); }
    }

    /** {@code n} elements copied. */
    record Copy(int src, int dst, int n) implements StepOp {
        public List<Use> reads() { return List.of(new Use(src, true)); }
        public List<Use> writes() { return List.of(new Use(dst, true)); }
    }

    /** The output's {@code n} elements at the token. */
    record Emit(int src, int n) implements StepOp {
        public List<Use> reads() { return List.of(new Use(src, true)); }
        public List<Use> writes() { return List.of(); }
    }

    /** An {@code if} on a value of the step: every item reads the one-element condition, so the group takes one branch. */
    record Branch(int cond, List<StepOp> then, List<StepOp> otherwise) implements StepOp {
        public List<Use> reads() { return List.of(new Use(cond, false)); }
        public List<Use> writes() { return List.of(); }
    }
}
