package org.linlang.runtime.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.linlang.runtime.gpu.GpuUnavailableException;

/**
 * The CUDA driver API, the part Lin uses, bound through FFM to {@code libcuda.so.1} (any driver
 * version that supports the GPU: the driver API is stable): device and primary context, modules
 * from cubin, memory, launches, synchronisation. {@link #open()} fails with a
 * {@link GpuUnavailableException} whose message is one sentence when there is no driver or no GPU.
 */
public final class CudaDriver {
    private final MethodHandle cuModuleLoadData, cuModuleGetFunction, cuMemAlloc, cuMemFree, cuMemcpyHtoD, cuMemcpyDtoH,
            cuLaunchKernel, cuCtxSynchronize, cuGetErrorString, cuMemsetD8, cuMemcpyDtoD;
    private final int major, minor;
    private final String name;
    private MethodHandle cuCtxSetCurrent;
    /** The driver library, for the entry points bound on first use (events, graphs). */
    private final SymbolLookup lib;
    /** Bound on first use (only {@code lin bench} times launches): create, record, synchronize, elapsed, destroy. */
    private MethodHandle cuEventCreate, cuEventRecord, cuEventSynchronize, cuEventElapsedTime, cuEventDestroy;
    /** CUDA graphs: bound on first use, not yet run on a GPU. */
    private MethodHandle cuStreamCreate, cuStreamBeginCapture, cuStreamEndCapture, cuGraphInstantiate, cuGraphLaunch, cuGraphExecDestroy,
            cuGraphDestroy;
    /** The stream graphs are captured on and launched on (blocking: ordered with the default stream's copies), made on first use. */
    private MemorySegment graphStream;
    /** Where {@link #launch} puts kernels: the default stream, or {@link #graphStream} while a capture is under way. */
    private MemorySegment launchStream = MemorySegment.NULL;
    private MemorySegment context;
    /** The primary context is made current once per thread that uses the driver. */
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);

    private static volatile CudaDriver instance;
    private static volatile String unavailable;

    private CudaDriver(SymbolLookup lib) throws Throwable {
        this.lib = lib;
        MethodHandle init = NativeLibraries.bind(lib, "cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuGetErrorString = NativeLibraries.bind(lib, "cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        int r = (int) init.invokeExact(0);
        if (r != 0) throw new GpuUnavailableException("the NVIDIA driver is installed but cuInit failed (" + error(r) + "): no usable GPU");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            check((int) NativeLibraries.bind(lib, "cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invokeExact(count), "cuDeviceGetCount");
            if (count.get(JAVA_INT, 0) == 0) throw new GpuUnavailableException("the NVIDIA driver reports no GPU");
            MemorySegment dev = a.allocate(JAVA_INT);
            check((int) NativeLibraries.bind(lib, "cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)).invokeExact(dev, 0), "cuDeviceGet");
            int d = dev.get(JAVA_INT, 0);
            MethodHandle attr = NativeLibraries.bind(lib, "cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) attr.invokeExact(v, 75, d), "cuDeviceGetAttribute"); // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
            major = v.get(JAVA_INT, 0);
            check((int) attr.invokeExact(v, 76, d), "cuDeviceGetAttribute"); // ..._MINOR
            minor = v.get(JAVA_INT, 0);
            MemorySegment nm = a.allocate(256);
            check((int) NativeLibraries.bind(lib, "cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)).invokeExact(nm, 256, d), "cuDeviceGetName");
            name = nm.getString(0);
            MemorySegment ctx = a.allocate(ADDRESS);
            check((int) NativeLibraries.bind(lib, "cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)).invokeExact(ctx, d), "cuDevicePrimaryCtxRetain");
            cuCtxSetCurrent = NativeLibraries.bind(lib, "cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            context = ctx.get(ADDRESS, 0);
            check((int) cuCtxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
            current.set(true);
        }
        cuModuleLoadData = NativeLibraries.bind(lib, "cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleGetFunction = NativeLibraries.bind(lib, "cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuMemAlloc = NativeLibraries.bind(lib, "cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = NativeLibraries.bind(lib, "cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemcpyHtoD = NativeLibraries.bind(lib, "cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        cuMemcpyDtoH = NativeLibraries.bind(lib, "cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        cuMemcpyDtoD = NativeLibraries.bind(lib, "cuMemcpyDtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        cuMemsetD8 = NativeLibraries.bind(lib, "cuMemsetD8_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
        cuLaunchKernel = NativeLibraries.bind(lib, "cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuCtxSynchronize = NativeLibraries.bind(lib, "cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
    }

    /** The driver with the first GPU's primary context current, or a {@link GpuUnavailableException} in one sentence. */
    public static CudaDriver open() {
        CudaDriver d = instance;
        if (d != null) return d;
        synchronized (CudaDriver.class) {
            if (instance != null) return instance;
            if (unavailable != null) throw new GpuUnavailableException(unavailable);
            var tried = new ArrayList<String>();
            SymbolLookup lib = NativeLibraries.find(List.of("libcuda.so.1"), tried);
            try {
                if (lib == null) throw new GpuUnavailableException("no NVIDIA driver on this machine (libcuda.so.1 is not installed), so there is no GPU to run on");
                instance = new CudaDriver(lib);
                return instance;
            } catch (GpuUnavailableException e) {
                unavailable = e.getMessage();
                throw e;
            } catch (Throwable t) {
                unavailable = "the NVIDIA driver could not be used: " + t.getMessage();
                throw new GpuUnavailableException(unavailable);
            }
        }
    }

    /** Why there is no GPU, or null when there is one (never throws). */
    public static String whyUnavailable() {
        try {
            open();
            return null;
        } catch (GpuUnavailableException e) {
            return e.getMessage();
        }
    }

    /** {@code sm_90} for an H100. */
    public String arch() { return "sm_" + major + minor; }

    public String name() { return name; }

    String error(int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = (int) cuGetErrorString.invokeExact(code, p);
            MemorySegment s = p.get(ADDRESS, 0);
            return r == 0 && !s.equals(MemorySegment.NULL) ? s.reinterpret(256).getString(0) + " (" + code + ")" : "CUDA error " + code;
        } catch (Throwable t) {
            return "CUDA error " + code;
        }
    }

    void check(int r, String what) {
        if (r != 0) throw new IllegalStateException(what + " failed: " + error(r));
    }

    /** A module from a cubin image; returns the CUmodule. */
    public MemorySegment loadModule(byte[] cubin) {
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment image = a.allocate(cubin.length + 1L);
            image.copyFrom(MemorySegment.ofArray(cubin));
            MemorySegment m = a.allocate(ADDRESS);
            check((int) cuModuleLoadData.invokeExact(m, image), "cuModuleLoadData");
            return m.get(ADDRESS, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(ADDRESS);
            check((int) cuModuleGetFunction.invokeExact(f, module, a.allocateFrom(name)), "cuModuleGetFunction " + name);
            return f.get(ADDRESS, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public long alloc(long bytes) {
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            check((int) cuMemAlloc.invokeExact(p, Math.max(bytes, 4L)), "cuMemAlloc of " + bytes + " bytes");
            return p.get(JAVA_LONG, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public void free(long ptr) { call(() -> (int) cuMemFree.invokeExact(ptr), "cuMemFree"); }

    public void zero(long ptr, long bytes) { call(() -> (int) cuMemsetD8.invokeExact(ptr, 0, bytes), "cuMemsetD8"); }

    public void upload(long dst, MemorySegment src) {
        if (src.byteSize() == 0) return;
        MemorySegment s = src;
        if (!src.isNative()) {
            s = Arena.ofAuto().allocate(src.byteSize(), 8);
            s.copyFrom(src);
        }
        MemorySegment from = s;
        call(() -> (int) cuMemcpyHtoD.invokeExact(dst, from, from.byteSize()), "cuMemcpyHtoD");
    }

    /** A device-to-device copy on the default stream, ordered after the launches before it (not yet run on a GPU). */
    public void copy(long dst, long src, long bytes) {
        if (bytes > 0) call(() -> (int) cuMemcpyDtoD.invokeExact(dst, src, bytes), "cuMemcpyDtoD");
    }

    public void download(MemorySegment dst, long src) {
        if (dst.byteSize() == 0) return;
        if (dst.isNative()) {
            call(() -> (int) cuMemcpyDtoH.invokeExact(dst, src, dst.byteSize()), "cuMemcpyDtoH");
            return;
        }
        MemorySegment tmp = Arena.ofAuto().allocate(dst.byteSize(), 8);
        call(() -> (int) cuMemcpyDtoH.invokeExact(tmp, src, tmp.byteSize()), "cuMemcpyDtoH");
        dst.copyFrom(tmp);
    }

    /** Launches on the default stream; {@code args} are device pointers and sizes, each passed as 8 bytes. */
    public void launch(MemorySegment function, long blocks, int threadsPerBlock, long[] args) {
        makeCurrent();
        if (blocks > Integer.MAX_VALUE) throw new IllegalArgumentException("a grid of " + blocks + " blocks is too large");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment values = a.allocate(JAVA_LONG, Math.max(1, args.length));
            MemorySegment ptrs = a.allocate(ADDRESS, Math.max(1, args.length));
            for (int i = 0; i < args.length; i++) {
                values.setAtIndex(JAVA_LONG, i, args[i]);
                ptrs.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
            }
            check((int) cuLaunchKernel.invokeExact(function, (int) blocks, 1, 1, threadsPerBlock, 1, 1, 0, launchStream, ptrs,
                    MemorySegment.NULL), "cuLaunchKernel");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    // ---- events: a launch's time on the GPU's clock ----

    private synchronized void bindEvents() {
        if (cuEventDestroy != null) return;
        cuEventCreate = NativeLibraries.bind(lib, "cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuEventRecord = NativeLibraries.bind(lib, "cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuEventSynchronize = NativeLibraries.bind(lib, "cuEventSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // cuda.h maps both names to their _v2 symbols; older drivers have only the first ones
        FunctionDescriptor elapsed = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        cuEventElapsedTime = lib.find("cuEventElapsedTime_v2").isPresent() ? NativeLibraries.bind(lib, "cuEventElapsedTime_v2", elapsed)
                : NativeLibraries.bind(lib, "cuEventElapsedTime", elapsed);
        FunctionDescriptor destroy = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        cuEventDestroy = lib.find("cuEventDestroy_v2").isPresent() ? NativeLibraries.bind(lib, "cuEventDestroy_v2", destroy)
                : NativeLibraries.bind(lib, "cuEventDestroy", destroy);
    }

    /** A new event (CU_EVENT_DEFAULT: it records time), recorded now on the default stream. */
    public MemorySegment recordEvent() {
        bindEvents();
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) cuEventCreate.invokeExact(p, 0), "cuEventCreate");
            MemorySegment e = p.get(ADDRESS, 0);
            check((int) cuEventRecord.invokeExact(e, MemorySegment.NULL), "cuEventRecord");
            return e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The seconds between two recorded events, once the second has completed; destroys both. */
    public double elapsedSeconds(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            call(() -> (int) cuEventSynchronize.invokeExact(end), "cuEventSynchronize");
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            call(() -> (int) cuEventElapsedTime.invokeExact(ms, start, end), "cuEventElapsedTime");
            return ms.get(JAVA_FLOAT, 0) / 1e3;
        } finally {
            call(() -> (int) cuEventDestroy.invokeExact(start), "cuEventDestroy");
            call(() -> (int) cuEventDestroy.invokeExact(end), "cuEventDestroy");
        }
    }

    // ---- CUDA graphs (cuStreamBeginCapture_v2 … cuGraphLaunch): bound on first use; not yet run on a GPU ----

    private synchronized void bindGraphs() {
        if (cuGraphLaunch != null) return;
        cuStreamCreate = NativeLibraries.bind(lib, "cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamBeginCapture = NativeLibraries.bind(lib, "cuStreamBeginCapture_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamEndCapture = NativeLibraries.bind(lib, "cuStreamEndCapture", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuGraphInstantiate = NativeLibraries.bind(lib, "cuGraphInstantiateWithFlags", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        cuGraphExecDestroy = NativeLibraries.bind(lib, "cuGraphExecDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuGraphDestroy = NativeLibraries.bind(lib, "cuGraphDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuGraphLaunch = NativeLibraries.bind(lib, "cuGraphLaunch", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    /** The stream graphs use, made on first use. */
    public MemorySegment graphStream() {
        bindGraphs();
        if (graphStream == null) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment p = a.allocate(ADDRESS);
                call(() -> (int) cuStreamCreate.invokeExact(p, 0), "cuStreamCreate"); // CU_STREAM_DEFAULT: ordered with the default stream
                graphStream = p.get(ADDRESS, 0);
            }
        }
        return graphStream;
    }

    /** Starts capturing: the launches that follow (on this thread) are recorded into a graph, not run. */
    public void beginCapture() {
        MemorySegment s = graphStream();
        call(() -> (int) cuStreamBeginCapture.invokeExact(s, 1), "cuStreamBeginCapture"); // CU_STREAM_CAPTURE_MODE_THREAD_LOCAL
        launchStream = s;
    }

    /** Ends the capture and instantiates its graph (the graph itself is destroyed: the executable keeps what it needs). */
    public MemorySegment endCapture() {
        launchStream = MemorySegment.NULL;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment g = a.allocate(ADDRESS), e = a.allocate(ADDRESS);
            call(() -> (int) cuStreamEndCapture.invokeExact(graphStream, g), "cuStreamEndCapture");
            MemorySegment graph = g.get(ADDRESS, 0);
            try {
                call(() -> (int) cuGraphInstantiate.invokeExact(e, graph, 0L), "cuGraphInstantiateWithFlags");
            } finally {
                call(() -> (int) cuGraphDestroy.invokeExact(graph), "cuGraphDestroy");
            }
            return e.get(ADDRESS, 0);
        }
    }

    /** Runs an instantiated graph on the graph stream ({@link #synchronize} waits for it). */
    public void launchGraph(MemorySegment exec) { call(() -> (int) cuGraphLaunch.invokeExact(exec, graphStream), "cuGraphLaunch"); }

    public void destroyGraph(MemorySegment exec) { call(() -> (int) cuGraphExecDestroy.invokeExact(exec), "cuGraphExecDestroy"); }

    public void synchronize() { call(() -> (int) cuCtxSynchronize.invokeExact(), "cuCtxSynchronize"); }

    private interface Call { int run() throws Throwable; }

    private void makeCurrent() {
        if (current.get()) return;
        call0(() -> (int) cuCtxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
        current.set(true);
    }

    private void call(Call c, String what) {
        makeCurrent();
        call0(c, what);
    }

    private void call0(Call c, String what) {
        int r;
        try {
            r = c.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        check(r, what);
    }
}
