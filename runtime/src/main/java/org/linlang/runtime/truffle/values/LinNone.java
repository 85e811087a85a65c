package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import org.linlang.runtime.truffle.LinLanguage;

/** The value of calls made for their effect, such as {@code print(...)}. Prints as {@code none}. */
@ExportLibrary(InteropLibrary.class)
public final class LinNone implements TruffleObject {
    public static final LinNone INSTANCE = new LinNone();

    private LinNone() {}

    @Override public String toString() { return "none"; }

    @ExportMessage boolean isNull() { return true; }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return "none"; }
}
