package org.linlang.runtime.truffle.session;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.values.LinList;

/**
 * {@code Context.getBindings("lin")}: the session's names that have a value (functions, variables,
 * other definitions the interpreter runs), read-only. Embedders read {@code getMember("f")} and call
 * it; the REPL completes names from {@code getMemberKeys()}.
 */
@ExportLibrary(InteropLibrary.class)
final class LinSessionBindings implements TruffleObject {
    private final LinSession session;

    LinSessionBindings(LinSession session) {
        this.session = session;
    }

    @ExportMessage boolean isScope() { return true; }

    @ExportMessage boolean hasMembers() { return true; }

    @ExportMessage
    @TruffleBoundary
    Object getMembers(@SuppressWarnings("unused") boolean includeInternal) {
        return new LinList(session.namesWithValues().toArray());
    }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberReadable(String member) { return session.valueOf(member) != null; }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        Object v = session.valueOf(member);
        if (v == null) throw UnknownIdentifierException.create(member);
        return v;
    }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return "session"; }
}
