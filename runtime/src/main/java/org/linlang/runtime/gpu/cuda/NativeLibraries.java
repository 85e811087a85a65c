package org.linlang.runtime.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the CUDA libraries of whatever CUDA version is installed, at run time, and binds their
 * functions through the JDK's Foreign Function & Memory API (no JNI library to unpack): the driver
 * {@code libcuda.so.1}, NVRTC ({@code libnvrtc.so.13}, then {@code .12}) and cuBLAS
 * ({@code libcublas.so.13}, then {@code .12}). Looked for by the dynamic loader's own rules first,
 * then under {@code $CUDA_HOME}, {@code $CUDA_PATH} and {@code /usr/local/cuda*}.
 */
final class NativeLibraries {
    private NativeLibraries() {}

    static final Linker LINKER = Linker.nativeLinker();

    /** A library's symbols, or null when no candidate loads; {@code tried} collects what was tried. */
    static SymbolLookup find(List<String> names, List<String> tried) {
        for (String n : names) {
            try {
                return SymbolLookup.libraryLookup(n, Arena.global());
            } catch (IllegalArgumentException e) {
                tried.add(n);
            }
            for (Path dir : dirs()) {
                Path p = dir.resolve(n);
                if (!Files.exists(p)) continue;
                try {
                    return SymbolLookup.libraryLookup(p, Arena.global());
                } catch (IllegalArgumentException e) {
                    tried.add(p.toString());
                }
            }
        }
        return null;
    }

    static List<Path> dirs() {
        var out = new ArrayList<Path>();
        for (String env : List.of("CUDA_HOME", "CUDA_PATH")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                out.add(Path.of(v, "lib64"));
                out.add(Path.of(v, "targets/x86_64-linux/lib"));
            }
        }
        try (var s = Files.list(Path.of("/usr/local"))) {
            s.filter(p -> p.getFileName().toString().startsWith("cuda")).sorted().forEach(p -> {
                out.add(p.resolve("lib64"));
                out.add(p.resolve("targets/x86_64-linux/lib"));
            });
        } catch (java.io.IOException | SecurityException e) {
            // no /usr/local: nothing more to look in
        }
        out.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        return out;
    }

    static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " is missing")), fd);
    }
}
