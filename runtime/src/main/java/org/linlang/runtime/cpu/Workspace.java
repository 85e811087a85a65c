package org.linlang.runtime.cpu;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;
import org.linlang.compiler.ir.Node;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * The memory of one plan run's intermediate values, kept from run to run. The buffer plan
 * (compiler/…/ir/BufferPlan) gives each value a kernel writes a slot: values whose lifetimes do not
 * overlap share one, and a value written in place over an input that dies with its kernel takes
 * that input's slot. Here each slot is one block of native memory, as large as the largest value
 * placed in it so far: it grows when the bound sizes do (T differs between calls) and is otherwise
 * reused as is, so a run in the steady state asks for no memory. Values inside one group that the
 * plan does not place (a matrix product whose elementwise epilogue is the group's output) live in a
 * scratch area reset at each group.
 *
 * <p>One workspace serves one run at a time; {@link CpuPlan} keeps a small pool so that threads
 * running the same plan at once each get their own.
 */
final class Workspace {
    private final MemorySegment[] slots;
    private MemorySegment scratch = MemorySegment.NULL;
    private long scratchUsed;
    private final Map<Node, MemorySegment> owned = new IdentityHashMap<>();

    Workspace(int slotCount) {
        slots = new MemorySegment[slotCount];
    }

    /** A contiguous tensor of {@code shape} over slot {@code s}, the slot grown first if it is too small. */
    Tensor slot(int s, DType type, long[] shape) {
        long bytes = numel(shape) * type.byteSize();
        if (slots[s] == null || slots[s].byteSize() < bytes) slots[s] = block(bytes);
        return Tensor.wrap(slots[s], type, shape, strides(shape), 0);
    }

    /**
     * A contiguous tensor over a block of {@code n}'s own, grown if too small: for a value the plan
     * does not place but the run must keep (a node outside every group, read wherever it is needed;
     * an output whose caller buffer it is copied into at the end).
     */
    Tensor own(Node n, DType type, long[] shape) {
        long bytes = numel(shape) * type.byteSize();
        MemorySegment m = owned.get(n);
        if (m == null || m.byteSize() < bytes) owned.put(n, m = block(bytes));
        return Tensor.wrap(m, type, shape, strides(shape), 0);
    }

    /** Starts a group: its scratch values are dead. */
    void resetScratch() { scratchUsed = 0; }

    /**
     * A contiguous tensor in the group's scratch area. When the area is too small a larger one
     * replaces it; values already placed keep the old block, which their tensors hold.
     */
    Tensor scratch(DType type, long[] shape) {
        long bytes = (numel(shape) * type.byteSize() + 63) / 64 * 64;
        if (scratchUsed + bytes > scratch.byteSize()) {
            scratch = block(Math.max(2 * scratch.byteSize(), scratchUsed + bytes));
        }
        long at = scratchUsed;
        scratchUsed += bytes;
        return Tensor.wrap(scratch, type, shape, strides(shape), at / type.byteSize());
    }

    /** Whether {@code t} lies in one of this workspace's blocks. */
    boolean holds(Tensor t) {
        MemorySegment m = t.storage();
        if (m == scratch) return true;
        for (MemorySegment s : slots) if (s == m) return true;
        return owned.containsValue(m);
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    private static long[] strides(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= Math.max(1, shape[i]);
        }
        return st;
    }

    private static MemorySegment block(long bytes) {
        // through the tensor library, so that NativeMemory counts (and recycles) it like any tensor memory
        return Creation.zeros(DType.F32, (Math.max(bytes, 4) + 3) / 4).storage();
    }
}
