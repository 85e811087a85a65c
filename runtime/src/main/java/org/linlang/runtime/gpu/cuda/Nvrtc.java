package org.linlang.runtime.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * NVRTC of the installed CUDA ({@code libnvrtc.so.13}, else {@code .12}), bound through FFM:
 * compiles a translation unit straight to a cubin for the GPU's architecture
 * ({@code --gpu-architecture=sm_90}), so the driver never JIT-compiles PTX.
 */
public final class Nvrtc implements CudaCompiler {
    private final MethodHandle create, compile, logSize, log, cubinSize, cubin, destroy, version;
    private final String describe;

    private Nvrtc(SymbolLookup lib) throws Throwable {
        create = NativeLibraries.bind(lib, "nvrtcCreateProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compile = NativeLibraries.bind(lib, "nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        logSize = NativeLibraries.bind(lib, "nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        log = NativeLibraries.bind(lib, "nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cubinSize = NativeLibraries.bind(lib, "nvrtcGetCUBINSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cubin = NativeLibraries.bind(lib, "nvrtcGetCUBIN", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = NativeLibraries.bind(lib, "nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        version = NativeLibraries.bind(lib, "nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ma = a.allocate(JAVA_INT), mi = a.allocate(JAVA_INT);
            int r = (int) version.invokeExact(ma, mi);
            describe = r == 0 ? "nvrtc " + ma.get(JAVA_INT, 0) + "." + mi.get(JAVA_INT, 0) : "nvrtc";
        }
    }

    /** NVRTC, or an IllegalStateException saying which libraries were tried. */
    static Nvrtc load() {
        var tried = new ArrayList<String>();
        SymbolLookup lib = NativeLibraries.find(List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"), tried);
        if (lib == null) throw new IllegalStateException("NVRTC was not found (tried " + String.join(", ", tried.stream().limit(3).toList()) + ", …)");
        try {
            return new Nvrtc(lib);
        } catch (Throwable t) {
            throw new IllegalStateException("NVRTC could not be bound: " + t.getMessage());
        }
    }

    @Override public String describe() { return describe; }

    @Override
    public byte[] compile(String source, String arch) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(ADDRESS);
            check((int) create.invokeExact(prog, a.allocateFrom(source), a.allocateFrom("lin.cu"), 0, MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram", null);
            MemorySegment p = prog.get(ADDRESS, 0);
            try {
                var opts = new ArrayList<>(OPTIONS);
                opts.add("--gpu-architecture=" + arch);
                // the tensor-core kernels include <mma.h>: give NVRTC the toolkit's headers where they are installed
                if (source.contains("#include <mma.h>")) {
                    java.nio.file.Path inc = toolkitIncludes();
                    if (inc != null) opts.add("--include-path=" + inc);
                }
                MemorySegment arr = a.allocate(ADDRESS, opts.size());
                for (int i = 0; i < opts.size(); i++) arr.setAtIndex(ADDRESS, i, a.allocateFrom(opts.get(i)));
                int r = (int) compile.invokeExact(p, opts.size(), arr);
                if (r != 0) throw new IllegalStateException("NVRTC failed to compile for " + arch + " (error " + r + "):\n" + log(a, p));
                MemorySegment size = a.allocate(JAVA_LONG);
                check((int) cubinSize.invokeExact(p, size), "nvrtcGetCUBINSize", null);
                MemorySegment out = a.allocate(size.get(JAVA_LONG, 0));
                check((int) cubin.invokeExact(p, out), "nvrtcGetCUBIN", null);
                return out.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            } finally {
                int ignored = (int) destroy.invokeExact(prog);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The first CUDA include directory (beside a library directory NativeLibraries searches) that has mma.h; null if none. */
    static java.nio.file.Path toolkitIncludes() {
        for (java.nio.file.Path lib : NativeLibraries.dirs()) {
            java.nio.file.Path inc = lib.getParent() == null ? null : lib.getParent().resolve("include");
            if (inc != null && java.nio.file.Files.isRegularFile(inc.resolve("mma.h"))) return inc;
        }
        return null;
    }

    private String log(Arena a, MemorySegment p) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        int r = (int) logSize.invokeExact(p, size);
        if (r != 0) return "(no log)";
        MemorySegment text = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        r = (int) log.invokeExact(p, text);
        return r == 0 ? text.getString(0) : "(no log)";
    }

    private static void check(int r, String what, String detail) {
        if (r != 0) throw new IllegalStateException(what + " failed with NVRTC error " + r + (detail == null ? "" : ": " + detail));
    }
}
