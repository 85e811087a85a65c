package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import org.linlang.runtime.gpu.DeviceTensor;

/**
 * A session's state kept in device memory between device calls ({@code lin run --engine opencl|cuda}):
 * what a state slot holds after a device call wrote it. Only the device calls see it as such
 * ({@link LinInstance#rawOnDevice}); anything else that reads the slot ({@link LinInstance#raw}: a
 * method run by the interpreter, an interp or cpu call) gets {@link #toHost()}'s tensor, which then
 * replaces it in the slot, and the device buffer is given back.
 */
public final class LinDeviceState {
    private final DeviceTensor value;

    public LinDeviceState(DeviceTensor value) { this.value = value; }

    public DeviceTensor value() { return value; }

    /** The state copied to the host; the device buffer is given back. */
    @TruffleBoundary
    LinTensor toHost() {
        LinTensor t = new LinTensor(value.toHost());
        value.free();
        return t;
    }

    @Override
    public String toString() { return "device state " + value.dtype() + java.util.Arrays.toString(value.shape()); }
}
