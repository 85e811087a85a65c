package org.linlang.runtime.gpu;

/**
 * The profile that device runners made for a script's calls ({@code lin run}'s device calls, made
 * inside the language) attach to: {@code lin bench --engine opencl|cuda} activates one around the
 * calls it measures. Null, the default, means no runner times anything.
 */
public final class DeviceProfiling {
    private static volatile KernelProfile active;

    private DeviceProfiling() {}

    /** Runners made from now on time their launches into {@code p}; close to stop. */
    public static AutoCloseable activate(KernelProfile p) {
        active = p;
        return () -> active = null;
    }

    /** The profile runners made now attach to, or null. */
    public static KernelProfile active() { return active; }
}
