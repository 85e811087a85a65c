package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.ArityException;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.UnsupportedMessageException;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * An instance of a block or model: one slot per parameter and member (see {@link LinBlockClass}).
 *
 * <p>Instances built as members of another block know their parent and their name there
 * ({@code q_proj}, or {@code mixers.3} for an element of a list member), so each one knows its dotted
 * path in the model. A tensor parameter without {@code = init} is random until loaded: the first read
 * makes it {@code 0.02 * randn(shape)} seeded from its full path ({@code mixers.3.q_proj.weight}, FNV-1a
 * of its UTF-8 bytes), so two runs of a program get the same weights and no two parameters get the
 * same numbers.
 *
 * <p>{@code state} members are per-session memory (empty, null, until a method assigns them). A
 * <em>session</em> ({@link #session()}) is an instance of the same block whose tensor parameters are its
 * origin's (reads, loads and generation go to the origin: nothing is copied) and whose states are its
 * own; its sub-blocks are sessions of the origin's sub-blocks. A plain instance keeps no state between
 * calls from outside its methods ({@link #resetStates()} runs around each such call).
 */
@ExportLibrary(InteropLibrary.class)
public final class LinInstance implements TruffleObject {
    /** The scale of the random initialisation of tensor parameters. */
    public static final double INIT_SCALE = 0.02;

    private final LinBlockClass blockClass;
    private final Object[] slots;
    private LinInstance parent;
    private String nameInParent;
    /** For a session: the plain instance whose tensor parameters it shares; null for a plain instance. */
    private final LinInstance origin;

    public LinInstance(LinBlockClass blockClass) {
        this.blockClass = blockClass;
        this.slots = new Object[blockClass.slotCount()];
        this.origin = null;
    }

    private LinInstance(LinInstance origin) {
        this.blockClass = origin.blockClass;
        this.slots = new Object[blockClass.slotCount()];
        this.origin = origin;
    }

    /** Whether this instance is a session: its states persist across calls. */
    public boolean isSession() { return origin != null; }

    private boolean sharesSlot(int slot) {
        return origin != null && blockClass.slotKind(slot) == LinBlockClass.SlotKind.TENSOR_PARAM;
    }

    public LinBlockClass blockClass() { return blockClass; }

    /**
     * The raw slot: may be a {@link LinPendingParam} or null while the instance is being built. A
     * state kept on the device ({@link LinDeviceState}) is copied to the host first and replaced by
     * that tensor: nothing but the device calls reads device memory.
     */
    public Object raw(int slot) {
        Object v = sharesSlot(slot) ? origin.slots[slot] : slots[slot];
        if (v instanceof LinDeviceState d) return hostCopy(slot, d);
        return v;
    }

    /** The raw slot, a state kept on the device left there: for the device calls. */
    public Object rawOnDevice(int slot) { return sharesSlot(slot) ? origin.slots[slot] : slots[slot]; }

    @TruffleBoundary
    private LinTensor hostCopy(int slot, LinDeviceState d) {
        LinTensor t = d.toHost();
        set(slot, t);
        return t;
    }

    public void set(int slot, Object value) {
        if (sharesSlot(slot)) origin.slots[slot] = value;
        else slots[slot] = value;
    }

    /** The slot's value, generating a pending tensor parameter first. */
    public Object read(int slot) {
        Object v = raw(slot);
        if (v instanceof LinPendingParam) return materialize(slot);
        return v;
    }

    @TruffleBoundary
    public LinTensor materialize(int slot) {
        if (sharesSlot(slot)) return origin.materialize(slot);
        Object v = slots[slot];
        if (!(v instanceof LinPendingParam p)) return (LinTensor) v;
        String path = qualify(blockClass.slotName(slot));
        Tensor random = Creation.randn(p.shape(), seedOf(path));
        Tensor scaled = Elementwise.mul(random, Creation.scalar(INIT_SCALE)).to(p.dtype());
        LinTensor t = new LinTensor(scaled);
        slots[slot] = t;
        return t;
    }

    /**
     * A new session of this instance: the same block, sharing every tensor parameter (no copy), with
     * sub-blocks (also in lists and tuples) that are sessions of this one's, and empty states. A
     * sub-block held twice is one session held twice.
     */
    @TruffleBoundary
    public LinInstance session() {
        return sessionOf(this, new IdentityHashMap<>());
    }

    private static LinInstance sessionOf(LinInstance of, Map<LinInstance, LinInstance> made) {
        LinInstance done = made.get(of);
        if (done != null) return done;
        LinInstance s = new LinInstance(of.origin != null ? of.origin : of); // a session of a session shares the same weights
        made.put(of, s);
        for (int i = 0; i < of.slots.length; i++) {
            switch (of.blockClass.slotKind(i)) {
                case TENSOR_PARAM, STATE -> { }
                case FIELD -> s.slots[i] = sessionsIn(of.slots[i], made);
                default -> s.slots[i] = of.slots[i];
            }
        }
        s.parent = null;
        return s;
    }

    private static Object sessionsIn(Object v, Map<LinInstance, LinInstance> made) {
        return switch (v) {
            case LinInstance i -> sessionOf(i, made);
            case LinList l -> {
                Object[] items = l.items().clone();
                boolean changed = false;
                for (int k = 0; k < items.length; k++) {
                    Object c = sessionsIn(items[k], made);
                    changed |= c != items[k];
                    items[k] = c;
                }
                yield changed ? new LinList(items) : l;
            }
            case LinTuple t -> {
                Object[] items = t.items().clone();
                boolean changed = false;
                for (int k = 0; k < items.length; k++) {
                    Object c = sessionsIn(items[k], made);
                    changed |= c != items[k];
                    items[k] = c;
                }
                yield changed ? new LinTuple(items) : t;
            }
            case null, default -> v;
        };
    }

    /** Empties the states of this instance and of its sub-blocks (in lists and tuples too). */
    @TruffleBoundary
    public void resetStates() {
        resetStates(this, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static void resetStates(Object v, java.util.Set<Object> seen) {
        switch (v) {
            case LinInstance inst -> {
                if (!seen.add(inst)) return;
                LinBlockClass cls = inst.blockClass;
                for (int i = 0; i < inst.slots.length; i++) {
                    if (cls.slotKind(i) == LinBlockClass.SlotKind.STATE) inst.slots[i] = null;
                    else if (cls.slotKind(i) == LinBlockClass.SlotKind.FIELD) resetStates(inst.slots[i], seen);
                }
            }
            case LinList l -> { for (Object o : l.items()) resetStates(o, seen); }
            case LinTuple t -> { for (Object o : t.items()) resetStates(o, seen); }
            case null, default -> { }
        }
    }

    /** FNV-1a, 64 bits, of the path's UTF-8 bytes: a seed that depends on nothing but the path. */
    public static long seedOf(String path) {
        long h = 0xcbf29ce484222325L;
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Makes this instance a member of {@code owner} called {@code name} (first owner wins). */
    @TruffleBoundary
    public void adopt(LinInstance owner, String name) {
        if (parent != null || owner == this) return;
        for (LinInstance p = owner; p != null; p = p.parent) if (p == this) return;
        parent = owner;
        nameInParent = name;
    }

    /** The dotted path of this instance in its model, "" for the top. */
    @TruffleBoundary
    public String path() {
        if (parent == null) return "";
        return parent.qualify(nameInParent);
    }

    @TruffleBoundary
    public String qualify(String member) {
        String p = path();
        return p.isEmpty() ? member : p + "." + member;
    }

    /** "Linear(4, 8)": the block's name with its int parameters, as the checker prints the type. */
    @Override
    @TruffleBoundary
    public String toString() {
        var b = new StringBuilder(blockClass.name());
        var ints = new java.util.ArrayList<String>();
        for (int i = 0; i < slots.length; i++) {
            if (blockClass.slotKind(i) == LinBlockClass.SlotKind.INT_PARAM && slots[i] != null) ints.add(String.valueOf(slots[i]));
        }
        if (!ints.isEmpty()) b.append('(').append(String.join(", ", ints)).append(')');
        return b.toString();
    }

    // ---- interop: members are the block's parameters, fields and tensors; its methods, session()
    // and reset() are invocable; executing an instance runs forward --------------------------------

    @ExportMessage boolean hasMembers() { return true; }

    @ExportMessage
    @TruffleBoundary
    Object getMembers(@SuppressWarnings("unused") boolean includeInternal) {
        var names = new java.util.ArrayList<Object>();
        for (int i = 0; i < slots.length; i++) if (blockClass.slotKind(i) != LinBlockClass.SlotKind.STATE) names.add(blockClass.slotName(i));
        names.addAll(blockClass.methodNames());
        for (String m : new String[] {"session", "reset"}) if (!names.contains(m)) names.add(m);
        return new LinList(names.toArray());
    }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberReadable(String member) {
        int slot = blockClass.slot(member);
        return slot >= 0 && blockClass.slotKind(slot) != LinBlockClass.SlotKind.STATE;
    }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        if (!isMemberReadable(member)) throw UnknownIdentifierException.create(member);
        return read(blockClass.slot(member));
    }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberInvocable(String member) {
        return blockClass.method(member) != null || member.equals("session") || member.equals("reset");
    }

    @ExportMessage
    @TruffleBoundary
    Object invokeMember(String member, Object[] arguments) throws UnknownIdentifierException, ArityException {
        LinFunction method = blockClass.method(member);
        if (method != null) return method.callMethod(this, arguments);
        if (!member.equals("session") && !member.equals("reset")) throw UnknownIdentifierException.create(member);
        if (arguments.length != 0) throw ArityException.create(0, 0, arguments.length);
        if (member.equals("session")) return session();
        resetStates();
        return LinNone.INSTANCE;
    }

    @ExportMessage
    @TruffleBoundary
    boolean isExecutable() { return blockClass.forward() != null; }

    @ExportMessage
    @TruffleBoundary
    Object execute(Object[] arguments) throws UnsupportedMessageException {
        LinFunction forward = blockClass.forward();
        if (forward == null) throw UnsupportedMessageException.create();
        return forward.callMethod(this, arguments);
    }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage
    @TruffleBoundary
    Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return toString(); }
}
