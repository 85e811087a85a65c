package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.nio.charset.StandardCharsets;
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
 */
@ExportLibrary(InteropLibrary.class)
public final class LinInstance implements TruffleObject {
    /** The scale of the random initialisation of tensor parameters. */
    public static final double INIT_SCALE = 0.02;

    private final LinBlockClass blockClass;
    private final Object[] slots;
    private LinInstance parent;
    private String nameInParent;

    public LinInstance(LinBlockClass blockClass) {
        this.blockClass = blockClass;
        this.slots = new Object[blockClass.slotCount()];
    }

    public LinBlockClass blockClass() { return blockClass; }

    /** The raw slot: may be a {@link LinPendingParam} or null while the instance is being built. */
    public Object raw(int slot) { return slots[slot]; }

    public void set(int slot, Object value) { slots[slot] = value; }

    /** The slot's value, generating a pending tensor parameter first. */
    public Object read(int slot) {
        Object v = slots[slot];
        if (v instanceof LinPendingParam) return materialize(slot);
        return v;
    }

    @TruffleBoundary
    public LinTensor materialize(int slot) {
        Object v = slots[slot];
        if (!(v instanceof LinPendingParam p)) return (LinTensor) v;
        String path = qualify(blockClass.slotName(slot));
        Tensor random = Creation.randn(p.shape(), seedOf(path));
        Tensor scaled = Elementwise.mul(random, Creation.scalar(INIT_SCALE)).to(p.dtype());
        LinTensor t = new LinTensor(scaled);
        slots[slot] = t;
        return t;
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

    // ---- interop: members are the block's parameters, fields and tensors ----------------------

    @ExportMessage boolean hasMembers() { return true; }

    @ExportMessage
    @TruffleBoundary
    Object getMembers(@SuppressWarnings("unused") boolean includeInternal) {
        Object[] names = new Object[slots.length];
        for (int i = 0; i < slots.length; i++) names[i] = blockClass.slotName(i);
        return new LinList(names);
    }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberReadable(String member) { return blockClass.slot(member) >= 0; }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        int slot = blockClass.slot(member);
        if (slot < 0) throw UnknownIdentifierException.create(member);
        return read(slot);
    }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage
    @TruffleBoundary
    Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return toString(); }
}
