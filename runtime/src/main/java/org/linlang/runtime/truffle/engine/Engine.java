package org.linlang.runtime.truffle.engine;

import java.util.Locale;

/**
 * Which engine runs a script's block and model calls ({@code lin run --engine}, the {@code lin.Engine}
 * option): the interpreter, the cpu engine's compiled plans, auto (cpu where it can, else the
 * interpreter, said once per block), or device plans on OpenCL or CUDA. Everything else in a script
 * always runs in the interpreter.
 */
public enum Engine {
    INTERP, CPU, AUTO, OPENCL, CUDA;

    /** Whether calls run as device plans (generated kernels) rather than on the cpu engine. */
    public boolean onDevice() { return this == OPENCL || this == CUDA; }

    public String word() { return name().toLowerCase(Locale.ROOT); }

    /** The engine of a name, or an exception listing the choices. */
    public static Engine parse(String name) {
        for (Engine e : values()) if (e.word().equals(name.toLowerCase(Locale.ROOT))) return e;
        throw new IllegalArgumentException("unknown engine '" + name + "'; choose interp, cpu, auto, opencl or cuda");
    }
}
