package org.linlang.runtime.tensor;

import java.io.IOException;
import java.nio.file.Path;

/** A tensor file (safetensors, .npy) that does not follow its format. The message names the file, the tensor and what was expected. */
public final class TensorFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String tensor;

    public TensorFormatException(Path file, String tensor, String problem) {
        super(file + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + problem);
        this.file = file;
        this.tensor = tensor;
    }

    public Path file() { return file; }

    /** The tensor the problem concerns, or null when it concerns the whole file. */
    public String tensor() { return tensor; }
}
