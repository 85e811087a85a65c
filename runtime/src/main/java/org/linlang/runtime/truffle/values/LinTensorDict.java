package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * The tensors of a safetensors file, by name, in the file's order: what {@code load("x.safetensors")}
 * returns. {@code d["layer0.weight"]} is one tensor; {@code len(d)} counts them; {@code for name in d}
 * runs over the names.
 */
@ExportLibrary(InteropLibrary.class)
public final class LinTensorDict implements TruffleObject {
    private final String file;
    private final Map<String, LinTensor> tensors;

    public LinTensorDict(String file, Map<String, LinTensor> tensors) {
        this.file = file;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The path it was read from, for messages. */
    public String file() { return file; }

    public Map<String, LinTensor> tensors() { return tensors; }

    @TruffleBoundary
    public LinTensor get(String name) { return tensors.get(name); }

    @TruffleBoundary
    public Object[] names() { return tensors.keySet().toArray(); }

    @Override
    @TruffleBoundary
    public String toString() {
        var b = new StringBuilder("{");
        for (var e : tensors.entrySet()) {
            if (b.length() > 1) b.append(", ");
            b.append('"').append(e.getKey()).append("\": ").append(e.getValue().typeText());
        }
        return b.append('}').toString();
    }

    @ExportMessage boolean hasMembers() { return true; }

    @ExportMessage
    @TruffleBoundary
    Object getMembers(@SuppressWarnings("unused") boolean includeInternal) { return new LinList(names()); }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberReadable(String member) { return tensors.containsKey(member); }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        LinTensor t = tensors.get(member);
        if (t == null) throw UnknownIdentifierException.create(member);
        return t;
    }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage
    @TruffleBoundary
    Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return toString(); }
}
