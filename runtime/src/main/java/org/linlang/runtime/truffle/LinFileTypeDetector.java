package org.linlang.runtime.truffle;

import com.oracle.truffle.api.TruffleFile;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Files ending in {@code .lin} are Lin sources, in UTF-8. */
public final class LinFileTypeDetector implements TruffleFile.FileTypeDetector {
    @Override
    public String findMimeType(TruffleFile file) {
        String name = file.getName();
        return name != null && name.endsWith(".lin") ? LinLanguage.MIME_TYPE : null;
    }

    @Override
    public Charset findEncoding(TruffleFile file) {
        return findMimeType(file) != null ? StandardCharsets.UTF_8 : null;
    }
}
