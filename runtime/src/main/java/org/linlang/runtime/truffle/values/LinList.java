package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.InvalidArrayIndexException;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import org.linlang.runtime.truffle.LinLanguage;

/** A list value, {@code [1, 2, 3]}. Immutable: Lin has no statement that changes a list in place. */
@ExportLibrary(InteropLibrary.class)
public final class LinList implements TruffleObject {
    private final Object[] items;

    /** Takes ownership of {@code items}. */
    public LinList(Object[] items) {
        this.items = items;
    }

    public int size() { return items.length; }

    public Object get(int i) { return items[i]; }

    /** The backing array; callers must not change it. */
    public Object[] items() { return items; }

    @Override
    @TruffleBoundary
    public String toString() { return LinFormat.repr(this); }

    @ExportMessage boolean hasArrayElements() { return true; }

    @ExportMessage long getArraySize() { return items.length; }

    @ExportMessage boolean isArrayElementReadable(long index) { return index >= 0 && index < items.length; }

    @ExportMessage
    Object readArrayElement(long index) throws InvalidArrayIndexException {
        if (index < 0 || index >= items.length) throw InvalidArrayIndexException.create(index);
        return items[(int) index];
    }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage
    @TruffleBoundary
    Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return LinFormat.repr(this); }
}
