package org.linlang.runtime.gpu;

/** No device for the engine asked for (no GPU, no driver, no OpenCL platform): the message is one sentence for the user. */
public final class GpuUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GpuUnavailableException(String message) { super(message); }
}
