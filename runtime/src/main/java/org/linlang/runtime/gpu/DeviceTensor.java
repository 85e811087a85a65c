package org.linlang.runtime.gpu;

import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * A tensor that lives in device memory: a session's state (recurrent state, conv cache, KV cache)
 * kept on the device between calls. A runner returns it for an output it was asked to keep
 * ({@link DevicePlanRunner#run(java.util.Map, java.util.Map, java.util.Set, java.util.Set)}) and
 * takes it back as an input without a copy; {@link #toHost} copies it to the host when something
 * else must read it. It owns its buffer until {@link #free} (or until a run writes its successor in
 * place over it, which moves the buffer to the new tensor).
 */
public final class DeviceTensor {
    private final DevicePlanRunner<?> runner;
    private Object buffer;
    private final DType dtype;
    private final long[] shape;
    private boolean freed;

    DeviceTensor(DevicePlanRunner<?> runner, Object buffer, DType dtype, long[] shape) {
        this.runner = runner;
        this.buffer = buffer;
        this.dtype = dtype;
        this.shape = shape.clone();
    }

    public DType dtype() { return dtype; }

    public long[] shape() { return shape.clone(); }

    public long bytes() {
        long n = dtype.byteSize();
        for (long d : shape) n *= d;
        return n;
    }

    /** Whether it still holds its buffer (not freed, not moved into a newer value). */
    public synchronized boolean live() { return buffer != null; }

    /** The runner's device this tensor's buffer belongs to. */
    boolean on(DeviceMemory<?> memory) { return runner.memory() == memory; }

    synchronized Object buffer() {
        if (buffer == null) throw new IllegalStateException(freed ? "a device tensor used after it was freed" : "a device tensor used after a call wrote its successor over it");
        return buffer;
    }

    /** The buffer now belongs to a newer value (written in place over this one). */
    synchronized void moved() { buffer = null; }

    /** A host copy (counted as a download). */
    public Tensor toHost() { return runner.downloadValue(this); }

    /** Gives the buffer back to the device's memory; nothing if it was moved or freed already. */
    public synchronized void free() {
        if (buffer == null) return;
        runner.giveBack(buffer);
        buffer = null;
        freed = true;
    }
}
