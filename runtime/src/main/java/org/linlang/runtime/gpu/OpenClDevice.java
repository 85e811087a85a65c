package org.linlang.runtime.gpu;

import static org.jocl.CL.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;
import org.jocl.cl_queue_properties;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;

/**
 * One OpenCL device through JOCL (PoCL on machines without a GPU): a context, an in-order queue,
 * programs built from the portable kernel text (cached per source hash for the life of the
 * device; PoCL keeps its own on-disk cache under {@code POCL_CACHE_DIR}), buffers and launches.
 */
public final class OpenClDevice implements AutoCloseable {
    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_device_id device;
    private final String name;
    private final boolean profiling;
    private final boolean gpu;
    private final Map<String, cl_program> programs = new ConcurrentHashMap<>();
    private final Map<String, cl_kernel> kernels = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong live = new java.util.concurrent.atomic.AtomicLong();

    private OpenClDevice(cl_context context, cl_command_queue queue, cl_device_id device, String name, boolean profiling) {
        this.context = context;
        this.queue = queue;
        this.device = device;
        this.name = name;
        this.profiling = profiling;
        long[] type = new long[1];
        clGetDeviceInfo(device, CL_DEVICE_TYPE, Sizeof.cl_long, Pointer.to(type), null);
        this.gpu = (type[0] & CL_DEVICE_TYPE_GPU) != 0;
    }

    /** The first OpenCL device of the first platform that has one, or an exception that says how to get one. */
    public static OpenClDevice open() { return open(false); }

    /**
     * As {@link #open()}; with {@code profiling}, the queue records each command's start and end
     * ({@code CL_QUEUE_PROFILING_ENABLE}), which {@link #launch(KernelSource, List, long, cl_event)} reads.
     */
    public static OpenClDevice open(boolean profiling) {
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            try {
                clGetPlatformIDs(0, null, count);
            } catch (CLException e) {
                count[0] = 0;
            }
            if (count[0] == 0) throw new GpuUnavailableException(noPlatform());
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id p : platforms) {
                int[] n = new int[1];
                try {
                    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    continue;
                }
                if (n[0] == 0) continue;
                cl_device_id[] ds = new cl_device_id[n[0]];
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ds.length, ds, null);
                var props = new cl_context_properties();
                props.addProperty(CL_CONTEXT_PLATFORM, p);
                cl_context ctx = clCreateContext(props, 1, new cl_device_id[] {ds[0]}, null, null, null);
                var queueProps = new cl_queue_properties();
                if (profiling) queueProps.addProperty(CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE);
                cl_command_queue q = clCreateCommandQueueWithProperties(ctx, ds[0], queueProps, null);
                return new OpenClDevice(ctx, q, ds[0], info(ds[0], CL_DEVICE_NAME) + " (" + info(ds[0], CL_DEVICE_VERSION) + ")", profiling);
            }
            throw new GpuUnavailableException(noPlatform());
        } catch (UnsatisfiedLinkError e) {
            throw new GpuUnavailableException("OpenCL is not installed (libOpenCL.so cannot be loaded); on Debian: apt-get install pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev");
        }
    }

    private static String noPlatform() {
        return "no OpenCL device found; on a machine without a GPU install PoCL: apt-get install pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev";
    }

    private static String info(cl_device_id d, int what) {
        long[] size = new long[1];
        clGetDeviceInfo(d, what, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, what, buf.length, Pointer.to(buf), null);
        return new String(buf, 0, Math.max(0, buf.length - 1), StandardCharsets.UTF_8).trim();
    }

    public String name() { return name; }

    /** Whether the queue records command times (opened with {@code open(true)}). */
    public boolean profiling() { return profiling; }

    /** Whether the device says it is a GPU ({@code CL_DEVICE_TYPE_GPU}); PoCL's is a CPU. */
    public boolean isGpu() { return gpu; }

    /** A kernel of a generated source, built once per distinct text. */
    public cl_kernel kernel(KernelSource k) {
        String unit = k.unit(Prelude.Target.OPENCL);
        String key = sha256(unit) + ":" + k.name();
        return kernels.computeIfAbsent(key, x -> clCreateKernel(program(unit), k.name(), null));
    }

    private cl_program program(String unit) {
        return programs.computeIfAbsent(sha256(unit), h -> {
            for (int attempt = 1; ; attempt++) {
                cl_program p = clCreateProgramWithSource(context, 1, new String[] {unit}, null, null);
                try {
                    clBuildProgram(p, 0, null, "-cl-std=CL1.2", null, null);
                    return p;
                } catch (CLException e) {
                    long[] size = new long[1];
                    clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
                    byte[] log = new byte[(int) size[0]];
                    clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
                    String text = new String(log, StandardCharsets.UTF_8);
                    clReleaseProgram(p);
                    // PoCL's on-disk cache is shared by every process of the user: while another one builds,
                    // its preprocessor's temporary file can vanish before the rename; the source is fine, so
                    // the build is tried again (a real compile error fails the same way every time)
                    if (attempt < 3 && text.contains("unable to rename temporary")) continue;
                    throw new IllegalStateException("OpenCL build failed: " + text + "\n" + unit, e);
                }
            }
        });
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A device buffer of at least one byte. */
    public cl_mem alloc(long bytes) {
        cl_mem m = clCreateBuffer(context, CL_MEM_READ_WRITE, Math.max(bytes, 4), null, null);
        live.incrementAndGet();
        return m;
    }

    /** Buffers created and not released yet (every buffer of this device, whoever made it): for tests. */
    public long liveBuffers() { return live.get(); }

    /** A copy on the device, ordered after the launches before it. */
    public void copy(cl_mem from, cl_mem to, long bytes) {
        if (bytes > 0) clEnqueueCopyBuffer(queue, from, to, 0, 0, bytes, 0, null, null);
    }

    public void write(cl_mem mem, MemorySegment data) {
        if (data.byteSize() == 0) return;
        ByteBuffer bb = direct(data);
        clEnqueueWriteBuffer(queue, mem, CL_TRUE, 0, data.byteSize(), Pointer.to(bb), 0, null, null);
    }

    public void read(cl_mem mem, MemorySegment into) {
        if (into.byteSize() == 0) return;
        if (into.isNative()) {
            clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, into.byteSize(), Pointer.to(into.asByteBuffer()), 0, null, null);
        } else {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment tmp = a.allocate(into.byteSize(), 8);
                clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, into.byteSize(), Pointer.to(tmp.asByteBuffer()), 0, null, null);
                into.copyFrom(tmp);
            }
        }
    }

    private static ByteBuffer direct(MemorySegment data) {
        if (data.isNative()) return data.asByteBuffer();
        ByteBuffer bb = ByteBuffer.allocateDirect((int) data.byteSize());
        MemorySegment.ofBuffer(bb).copyFrom(data);
        return bb;
    }

    /** A launch: arguments are {@link cl_mem} buffers or {@code Long} sizes, in the kernel's parameter order. */
    public void launch(KernelSource k, List<Object> args, long threads) { launch(k, args, threads, null); }

    /** A launch whose command {@code event} (when not null) records its start and end on a profiling queue. */
    public void launch(KernelSource k, List<Object> args, long threads, cl_event event) {
        if (threads == 0) return;
        cl_kernel kernel = kernel(k);
        synchronized (kernel) {
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof cl_mem m) clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(m));
                else clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[] {(Long) a}));
            }
            long local = k.launch().local();
            long global = k.launch().groups(threads) * local;
            clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[] {global}, new long[] {local}, 0, null, event);
        }
    }

    /** The seconds between a finished command's start and end on the device's clock; releases the event. */
    public double seconds(cl_event event) {
        try {
            long[] start = new long[1], end = new long[1];
            clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start), null);
            clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null);
            return (end[0] - start[0]) / 1e9;
        } finally {
            clReleaseEvent(event);
        }
    }

    public void finish() { clFinish(queue); }

    public void release(cl_mem m) {
        clReleaseMemObject(m);
        live.decrementAndGet();
    }

    @Override
    public void close() {
        kernels.values().forEach(CL::clReleaseKernel);
        programs.values().forEach(CL::clReleaseProgram);
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
