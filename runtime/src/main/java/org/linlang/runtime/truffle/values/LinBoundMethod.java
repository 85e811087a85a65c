package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * A method of a block instance, ready to call: {@code m.step} in {@code m.step(x)}. Its function's call
 * target receives the instance as argument 0, then the parameters in order.
 */
@ExportLibrary(InteropLibrary.class)
public final class LinBoundMethod implements TruffleObject {
    private final Object receiver;
    private final LinFunction function;

    public LinBoundMethod(Object receiver, LinFunction function) {
        this.receiver = receiver;
        this.function = function;
    }

    public Object receiver() { return receiver; }

    public LinFunction function() { return function; }

    @Override public String toString() { return "<method " + receiver + "." + function.name() + ">"; }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage
    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return toString(); }
}
