package org.linlang.runtime.gpu;

/**
 * The device's own clock around one launch (OpenCL profiling events, CUDA events): started by
 * {@link DevicePlanRunner#startTimer()} before the launch is enqueued, stopped right after, and
 * read once the queue has finished. Reading it gives back what it holds on the device.
 */
public interface LaunchTimer {
    /** Marks the end of the launch just enqueued. */
    void stop();

    /** The launch's time on the device in seconds; only after the queue finished, once. */
    double seconds();
}
