package org.linlang.runtime.cpu;

import java.util.List;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.recurrence.RecurrenceForm;
import org.linlang.compiler.recurrence.RecurrenceForm.Kind;
import org.linlang.compiler.recurrence.RecurrenceForm.StateForm;

/**
 * How the cpu engine runs a classified recurrence on its kernels: the expressions of the step's
 * inputs that are the query, key, value, log-decay and beta, and which kernel family takes them.
 * Derived from the {@link RecurrenceForm} the compiler found, never from the recurrence's name.
 *
 * <p>A piece that is an expression rather than an input ({@code 1 - exp(gk)}, {@code beta * k},
 * {@code log(sigmoid(f))}, a feature map on q) is state-independent: it is hoisted out of the
 * recurrence and computed before the kernel over {@code [B, T, H, …]} ({@link Prologue}). A decay
 * after the write is the same as one before it with the decay on the written value, which is how
 * the classifier reports such a write, so both orders run.
 *
 * @param query    q̃ (its scalar factor included, e.g. {@code scale * q})
 * @param key      the key of the write (and of the delta step)
 * @param value    the value of the write (without β for delta)
 * @param logDecay the log of the decay (a per-step scalar, or per key channel), or null
 * @param perChannel whether the decay is per key channel
 * @param beta     the delta step's β (delta only)
 */
public record RecurrencePlan(String name, Kind kind, Expr query, Expr key, Expr value, Expr logDecay, boolean perChannel, Expr beta) {

    /** The plan, or an exception whose message says why this recurrence cannot run on the cpu kernels. */
    public static RecurrencePlan of(RecurrenceForm form) {
        String n = form.name();
        if (form.kind() != Kind.DIAGONAL && form.kind() != Kind.DELTA) {
            throw new IllegalArgumentException("it is " + form.kind().word() + ": " + form.reason());
        }
        if (form.states().size() != 1) throw new IllegalArgumentException("it has several states; the cpu kernels take one");
        StateForm s = form.states().getFirst();
        if (!form.output().chunkable() || !form.output().afterUpdate() || form.output().readouts().size() != 1
                || form.output().combination() != null || form.output().readouts().getFirst().query() == null) {
            throw new IllegalArgumentException("its output is not one read-out q @ S_t of the updated state");
        }
        Expr q = form.output().readouts().getFirst().query();
        Expr g = s.decay() == null ? null : s.decay().logDecay();
        boolean perChannel = s.decay() != null && s.decay().perChannel();
        if (form.kind() == Kind.DELTA) {
            if (s.delta() == null) throw new IllegalArgumentException("it has no delta step");
            if (perChannel) throw new IllegalArgumentException("its delta step has a per-channel decay (KDA), which the cpu kernels do not take yet");
            return new RecurrencePlan(n, Kind.DELTA, q, s.delta().key(), s.delta().value(), g, false, s.delta().beta());
        }
        List<RecurrenceForm.Write> writes = s.writes();
        if (writes.size() != 1) throw new IllegalArgumentException("it writes " + writes.size() + " outer products; the kernels take one");
        if (writes.getFirst().value() == null) throw new IllegalArgumentException("its state is a vector; the kernels take a matrix state");
        return new RecurrencePlan(n, Kind.DIAGONAL, q, writes.getFirst().key(), writes.getFirst().value(), g, perChannel, null);
    }
}
