package org.linlang.compiler.codegen;

import java.util.List;

/**
 * One generated kernel: its name, its text in the portable form (the kernel function only; the
 * {@link Prelude} goes in front), its parameters in signature order, and how it is launched.
 *
 * @param name   the kernel function's name, unique in its plan ({@code k9_recurrence})
 * @param body   the kernel function, written against the prelude's macros
 * @param params the parameters, in order
 * @param launch the launch configuration
 * @param role   what it computes, for listings ({@code elementwise}, {@code prologue of k9}, {@code chunked delta})
 */
public record KernelSource(String name, String body, List<KernelParam> params, LaunchConfig launch, String role) {
    public KernelSource {
        params = List.copyOf(params);
    }

    /** A complete translation unit for one compiler. */
    public String unit(Prelude.Target target) { return Prelude.unit(target, body); }

    /** The parameter of a name. */
    public KernelParam param(String n) {
        for (KernelParam p : params) if (p.name().equals(n)) return p;
        throw new IllegalArgumentException(name + " has no parameter " + n);
    }
}
