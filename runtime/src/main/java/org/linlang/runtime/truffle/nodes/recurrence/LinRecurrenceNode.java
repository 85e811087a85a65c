package org.linlang.runtime.truffle.nodes.recurrence;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.FrameSlotKind;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.LoopNode;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.nodes.RepeatingNode;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinCallSite;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.values.LinMissing;

/**
 * The body of a recurrence's call target: runs the one-step body over every batch element, head and
 * time step, in its step-by-step form.
 *
 * <ol>
 *   <li>checks the per-step arguments and binds the step's dimension names ({@code K}, {@code V}) into
 *       their frame slots;
 *   <li>runs {@code prologue}: the host parameters, whose defaults may use those names
 *       ({@code scale: float = K ** -0.5});
 *   <li>evaluates each state's {@code = init} and reads {@code initial_state};
 *   <li>loops over the steps in a Truffle {@link LoopNode} whose body is the user's step, a child node,
 *       so the step is compiled like any other Lin code: each iteration stores the step's slices of the
 *       arguments and (at the start of a sequence) the initial states in their slots, runs the step,
 *       then stores what it emitted in the output.
 * </ol>
 * The arguments are {@code [params…, initial_state, output_final_state]}.
 */
@NodeInfo(shortName = "recurrence")
public final class LinRecurrenceNode extends LinExpressionNode {
    private final RecurrenceSignature sig;
    @CompilationFinal(dimensions = 1) private final int[] dimSlots;
    @Children private final LinStatementNode[] prologue;
    @Children private final LinExpressionNode[] stateInits;
    private final int runSlot;
    @Child private LoopNode loop;

    public LinRecurrenceNode(RecurrenceSignature sig, int[] dimSlots, LinStatementNode[] prologue, LinExpressionNode[] stateInits,
                             int[] stepSlots, int[] stateSlots, int emitSlot, int counterSlot, int runSlot, LinStatementNode body) {
        this.sig = sig;
        this.dimSlots = dimSlots;
        this.prologue = prologue;
        this.stateInits = stateInits;
        this.runSlot = runSlot;
        this.loop = Truffle.getRuntime().createLoopNode(new Step(stepSlots, stateSlots, emitSlot, counterSlot, runSlot, body));
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object[] args = frame.getArguments();
        RecurrenceRun run = start(args);
        for (int i = 0; i < dimSlots.length; i++) {
            frame.getFrameDescriptor().setSlotKind(dimSlots[i], FrameSlotKind.Long);
            frame.setLong(dimSlots[i], run.dims[i]);
        }
        for (LinStatementNode s : prologue) s.executeVoid(frame);
        Object[] inits = new Object[stateInits.length];
        for (int i = 0; i < stateInits.length; i++) inits[i] = stateInits[i].executeGeneric(frame);
        int n = sig.params().size();
        prepare(run, inits, args[n], args[n + 1]);
        frame.setObject(runSlot, run);
        loop.execute(frame);
        frame.setObject(runSlot, null);
        return result(run);
    }

    @TruffleBoundary
    private RecurrenceRun start(Object[] args) {
        try {
            return RecurrenceRun.start(sig, args);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new LinRuntimeError(e.getMessage(), LinCallSite.of(this));
        }
    }

    @TruffleBoundary
    private void prepare(RecurrenceRun run, Object[] inits, Object initialState, Object wantFinal) {
        boolean want = false;
        if (wantFinal instanceof Boolean b) want = b;
        else if (wantFinal != LinMissing.INSTANCE) {
            throw new LinRuntimeError("output_final_state must be true or false", LinCallSite.of(this));
        }
        try {
            run.prepare(inits, initialState, want);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new LinRuntimeError(e.getMessage(), LinCallSite.of(this));
        }
    }

    @TruffleBoundary
    private static Object result(RecurrenceRun run) { return run.result(); }

    /** One step of the loop; its child {@code body} is the recurrence's step as written. */
    private static final class Step extends Node implements RepeatingNode {
        @CompilationFinal(dimensions = 1) private final int[] stepSlots;
        @CompilationFinal(dimensions = 1) private final int[] stateSlots;
        private final int emitSlot;
        private final int counterSlot;
        private final int runSlot;
        @Child private LinStatementNode body;

        Step(int[] stepSlots, int[] stateSlots, int emitSlot, int counterSlot, int runSlot, LinStatementNode body) {
            this.stepSlots = stepSlots;
            this.stateSlots = stateSlots;
            this.emitSlot = emitSlot;
            this.counterSlot = counterSlot;
            this.runSlot = runSlot;
            this.body = body;
        }

        @Override
        @ExplodeLoop
        public boolean executeRepeating(VirtualFrame frame) {
            RecurrenceRun run = CompilerDirectives.castExact(frame.getObject(runSlot), RecurrenceRun.class);
            long k = frame.isLong(counterSlot) ? frame.getLong(counterSlot) : 0;
            if (k >= run.steps) {
                frame.setLong(counterSlot, 0);
                return false;
            }
            if (run.startsSequence(k)) {
                Object[] init = initialStates(run, k);
                for (int i = 0; i < stateSlots.length; i++) frame.setObject(stateSlots[i], init[i]);
            }
            Object[] values = stepValues(run, k);
            for (int i = 0; i < stepSlots.length; i++) {
                if (stepSlots[i] >= 0) frame.setObject(stepSlots[i], values[i]);
            }
            frame.setObject(emitSlot, null);
            body.executeVoid(frame);
            Object[] states = new Object[stateSlots.length];
            for (int i = 0; i < stateSlots.length; i++) states[i] = frame.getObject(stateSlots[i]);
            finishStep(run, k, frame.getObject(emitSlot), states);
            frame.setLong(counterSlot, k + 1);
            return true;
        }

        @TruffleBoundary
        private static Object[] initialStates(RecurrenceRun run, long k) { return run.initialStates(k); }

        @TruffleBoundary
        private static Object[] stepValues(RecurrenceRun run, long k) { return run.stepValues(k); }

        @TruffleBoundary
        private void finishStep(RecurrenceRun run, long k, Object emitted, Object[] states) {
            try {
                run.finishStep(k, emitted, states);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new LinRuntimeError(e.getMessage(), body);
            }
        }
    }
}
