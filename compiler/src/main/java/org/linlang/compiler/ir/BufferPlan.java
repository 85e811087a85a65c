package org.linlang.compiler.ir;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.types.Dim;

/**
 * Where each value a kernel writes lives (pass 5, {@code PlanBuffers}). Values are buffers with a
 * lifetime over the kernel schedule; buffers whose lifetimes do not overlap share a slot of an
 * arena; a kernel may write its result over an input that dies with it (in place). Sizes are
 * polynomials in B and T: the plan holds for every size, and {@link #arenaBytes} is evaluated
 * at the sizes of a report.
 */
public final class BufferPlan {
    /**
     * One value written by a kernel.
     *
     * @param value     the node
     * @param bytes     its size
     * @param slot      the arena slot holding it; -1 for a state updated in the caller's buffer
     * @param def       the index of the group that writes it
     * @param lastUse   the index of the last group that reads it ({@link Integer#MAX_VALUE} for outputs)
     * @param inPlaceOf the buffer it overwrites, or null
     */
    public record Buffer(Node value, Dim bytes, int slot, int def, int lastUse, Node inPlaceOf) {
        public boolean inPlace() { return inPlaceOf != null; }
    }

    /** A region of the arena, as large as the first (largest) buffer placed in it. */
    public record Slot(int index, Dim bytes) {}

    private final List<Buffer> buffers;
    private final List<Slot> slots;
    private final Map<Node, Buffer> byNode = new IdentityHashMap<>();
    private final Dim weightBytes;
    private final int weightCount;

    public BufferPlan(List<Buffer> buffers, List<Slot> slots, Dim weightBytes, int weightCount) {
        this.buffers = List.copyOf(buffers);
        this.slots = List.copyOf(slots);
        this.weightBytes = weightBytes;
        this.weightCount = weightCount;
        for (Buffer b : buffers) byNode.put(b.value(), b);
    }

    public List<Buffer> buffers() { return buffers; }

    public List<Slot> slots() { return slots; }

    public Buffer bufferOf(Node n) { return byNode.get(n); }

    /** The arena: the sum of the slots. */
    public Dim arenaBytes() {
        Dim d = Dim.of(0);
        for (Slot s : slots) d = d.plus(s.bytes());
        return d;
    }

    /** What the values would take with a buffer each. */
    public Dim bytesWithoutReuse() {
        Dim d = Dim.of(0);
        for (Buffer b : buffers) if (b.slot() >= 0) d = d.plus(b.bytes());
        return d;
    }

    /** The largest total of values alive at once, at the given sizes (a lower bound for any arena). */
    public long peakLiveBytes(Map<String, Long> sizes) {
        int last = 0;
        for (Buffer b : buffers) last = Math.max(last, b.def());
        long peak = 0;
        for (int k = 0; k <= last; k++) {
            long live = 0;
            for (Buffer b : buffers) {
                if (b.slot() < 0 || b.def() > k || k > b.lastUse()) continue;
                Buffer over = b.inPlace() ? byNode.get(b.inPlaceOf()) : null;
                if (over != null && over.lastUse() == k && b.def() == k) continue; // shares the buffer it overwrites
                live += Sizes.eval(b.bytes(), sizes);
            }
            peak = Math.max(peak, live);
        }
        return peak;
    }

    public long inPlaceCount() { return buffers.stream().filter(Buffer::inPlace).count(); }

    public Dim weightBytes() { return weightBytes; }

    public int weightCount() { return weightCount; }
}
