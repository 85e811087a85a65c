package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.util.Map;
import org.linlang.runtime.truffle.LinLanguage;

/** A module bound by {@code import std.nn}: its definitions are its members ({@code nn.Linear}). */
@ExportLibrary(InteropLibrary.class)
public final class LinModuleValue implements TruffleObject {
    private final String path;
    private final Map<String, Object> members;

    public LinModuleValue(String path, Map<String, Object> members) {
        this.path = path;
        this.members = members;
    }

    public String path() { return path; }

    /** The definition of that name, or null. */
    @TruffleBoundary
    public Object member(String name) { return members.get(name); }

    @Override public String toString() { return "<module " + path + ">"; }

    @ExportMessage boolean hasMembers() { return true; }

    @ExportMessage
    @TruffleBoundary
    Object getMembers(@SuppressWarnings("unused") boolean includeInternal) { return new LinList(members.keySet().toArray()); }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberReadable(String member) { return members.containsKey(member); }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        Object v = members.get(member);
        if (v == null) throw UnknownIdentifierException.create(member);
        return v;
    }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return toString(); }
}
