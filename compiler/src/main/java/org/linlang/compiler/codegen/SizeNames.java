package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Sym;

/**
 * The symbolic sizes a kernel reads as {@code i64} parameters ({@code n_B}, {@code n_T}), and the
 * C text of a size polynomial over them. Two symbols with one name get distinct parameters.
 */
final class SizeNames {
    private final Map<Sym, String> names = new LinkedHashMap<>();
    private final Map<String, Integer> taken = new HashMap<>();

    /** A size as a C expression of type i64. */
    String c(Dim d) {
        if (d.isConstant()) return "((i64)" + d.constant() + ")";
        var binding = new HashMap<Sym, Dim>();
        for (Sym s : d.symbols()) binding.put(s, Dim.of(new Sym(name(s), null, false)));
        return "((i64)(" + d.substitute(binding) + "))";
    }

    String name(Sym s) {
        return names.computeIfAbsent(s, k -> {
            String base = "n_" + k.name.replaceAll("[^A-Za-z0-9_]", "_");
            int n = taken.merge(base, 1, Integer::sum);
            return n == 1 ? base : base + "_" + n;
        });
    }

    /** The size parameters used so far, in order of first use. */
    List<KernelParam> params() {
        var out = new ArrayList<KernelParam>();
        names.forEach((s, n) -> out.add(KernelParam.sizeOf(n, Dim.of(s))));
        return out;
    }
}
