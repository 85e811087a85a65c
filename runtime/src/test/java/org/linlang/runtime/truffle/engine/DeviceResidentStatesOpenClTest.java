package org.linlang.runtime.truffle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.io.IOAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linlang.runtime.gpu.DeviceMemory;
import org.linlang.runtime.gpu.DevicePlanRunner;
import org.linlang.runtime.gpu.OpenClDevice;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * A session's states stay on the device between {@code --engine opencl} calls (PoCL in CI): a
 * decode step copies only its token in and its logits out, reuses its workspace, allocates nothing
 * and replays the launch list of an earlier step of the same sizes and buffers; the interpreter reading or assigning a state between device calls sees and sets the right
 * values; and every device buffer comes back when the session goes and when the context closes.
 * Byte counts are exact (the device's {@link DeviceMemory} counts every copy); values are checked
 * against the interpreter at relative RMS ≤ 1e-4.
 */
class DeviceResidentStatesOpenClTest {
    @TempDir Path dir;

    private static Context context(String engine) {
        return Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", engine)
                .err(new ByteArrayOutputStream()).out(new ByteArrayOutputStream()).build();
    }

    /** An input of the context's session: it sees what earlier inputs defined. */
    private static void eval(Context c, String code) {
        c.eval(Source.newBuilder(LinLanguage.ID, code, "<input>").mimeType(LinLanguage.SESSION_MIME_TYPE).cached(false).buildLiteral());
    }

    private static <T> T inside(Context c, Function<DeviceCalls, T> f) {
        c.enter();
        try {
            return f.apply(LinLanguage.context(null).compiledCalls().deviceCalls());
        } finally {
            c.leave();
        }
    }

    private record Counts(long uploaded, long downloaded, long allocations, long liveBuffers, long liveBytes) {
        Counts minus(Counts o) {
            return new Counts(uploaded - o.uploaded, downloaded - o.downloaded, allocations - o.allocations, liveBuffers - o.liveBuffers,
                    liveBytes - o.liveBytes);
        }
    }

    private static Counts counts(Context c) {
        return inside(c, d -> {
            DeviceMemory<?> m = d.memory();
            return new Counts(m.uploadedBytes(), m.downloadedBytes(), m.allocations(), m.liveBuffers(), m.liveBytes());
        });
    }

    /** The example's text before its decoding part, and the name of its model. */
    private static String[] example(String name) throws Exception {
        String text = Files.readString(Path.of("..", "examples", name + ".lin"));
        var sessionOf = java.util.regex.Pattern.compile("let session = (\\w+)\\.session\\(\\)").matcher(text);
        assertTrue(sessionOf.find(), name + " opens a session");
        return new String[] {text.substring(0, text.indexOf("// Decoding")), sessionOf.group(1)};
    }

    /**
     * gated_deltanet (recurrent states and conv caches) and attention (KV caches that grow by a row
     * per step): after a prefill of 8 and two warm-up steps, each decode step copies the two token ids
     * in (16 bytes) and the logits [2, 1, 128] out (1024 bytes), nothing else; the recurrent model's
     * steps allocate no device memory, keep the same workspace and replay recorded launch lists; the
     * six steps' logits are the interpreter's (relative RMS ≤ 1e-4).
     */
    @ParameterizedTest
    @ValueSource(strings = {"gated_deltanet", "attention"})
    void aDecodeStepCopiesOnlyItsTokenInAndItsLogitsOut(String name) throws Exception {
        String[] ex = example(name);
        String steps = "y0 = y0, y1 = y1, y2 = y2, y3 = y3, y4 = y4, y5 = y5";
        try (Context c = context("opencl")) {
            eval(c, ex[0]);
            eval(c, "let s = " + ex[1] + ".session()\nlet p = s(ids[:, 0:8])");
            eval(c, "let w1 = s(ids[:, 8:9])\nlet w2 = s(ids[:, 9:10])");
            long[] footprint = inside(c, d -> workspaces(d.allRunners()));
            long replaysBefore = inside(c, d -> replays(d.allRunners()));
            for (int step = 0; step < 6; step++) {
                Counts before = counts(c);
                eval(c, "let y" + step + " = s(ids[:, " + (step + 10) % 12 + ":" + ((step + 10) % 12 + 1) + "])");
                Counts moved = counts(c).minus(before);
                System.out.printf("%s decode step %d on opencl: %d bytes in, %d bytes out, %d device allocations%n", name, step, moved.uploaded(),
                        moved.downloaded(), moved.allocations());
                assertEquals(2 * 8, moved.uploaded(), name + " step " + step + ": bytes copied to the device (the token ids only)");
                assertEquals(2 * 128 * 4, moved.downloaded(), name + " step " + step + ": bytes copied back (the logits only)");
                if (name.equals("gated_deltanet")) assertEquals(0, moved.allocations(), name + " step " + step + ": device allocations");
            }
            long[] after = inside(c, d -> workspaces(d.allRunners()));
            assertEquals(footprint[0], after[0], "workspace buffers");
            assertEquals(footprint[1], after[1], "workspace bytes");
            int[] plan = inside(c, d -> slotPlans(d.allRunners()));
            long replayed = inside(c, d -> replays(d.allRunners())) - replaysBefore;
            System.out.printf("%s on opencl: %d values in %d workspace slots (%d workspace bytes); %d of 6 steps replayed%n", name, plan[0], plan[1],
                    after[1], replayed);
            assertTrue(plan[1] < plan[0], "values share slots: " + plan[0] + " values, " + plan[1] + " slots");
            // a recurrent step has the sizes and (its conv caches alternating between two buffers) the buffers of a step
            // before it; an attention step's caches are a row longer each time, so it never has
            if (name.equals("gated_deltanet")) assertTrue(replayed >= 4, "replayed decode steps: " + replayed);
            else assertEquals(0, replayed, "a step whose caches grew is walked again");
            eval(c, "save(\"" + dir.resolve("device.safetensors") + "\", " + steps + ")");
        }
        // the same inputs in the interpreter: the replayed steps give its logits
        try (Context c = context("interp")) {
            eval(c, ex[0]);
            eval(c, "let s = " + ex[1] + ".session()\nlet p = s(ids[:, 0:8])\nlet w1 = s(ids[:, 8:9])\nlet w2 = s(ids[:, 9:10])");
            for (int step = 0; step < 6; step++) eval(c, "let y" + step + " = s(ids[:, " + (step + 10) % 12 + ":" + ((step + 10) % 12 + 1) + "])");
            eval(c, "save(\"" + dir.resolve("interp.safetensors") + "\", " + steps + ")");
        }
        Map<String, Tensor> device = SafeTensors.read(dir.resolve("device.safetensors")).tensors();
        Map<String, Tensor> interp = SafeTensors.read(dir.resolve("interp.safetensors")).tensors();
        for (int step = 0; step < 6; step++) {
            double e = DeviceCallsOpenClTest.relRms(interp.get("y" + step), device.get("y" + step));
            System.out.printf("%s decode step %d on opencl: relative RMS error %.2e%n", name, step, e);
            assertTrue(e <= 1e-4, name + " step " + step + ": relative RMS error " + e);
        }
    }

    private static long replays(java.util.List<DevicePlanRunner<?>> runners) {
        long n = 0;
        for (DevicePlanRunner<?> r : runners) n += r.replays();
        return n;
    }

    private static long[] workspaces(java.util.List<DevicePlanRunner<?>> runners) {
        long[] sum = new long[2];
        for (DevicePlanRunner<?> r : runners) {
            long[] f = r.workspaceFootprint();
            sum[0] += f[0];
            sum[1] += f[1];
        }
        return sum;
    }

    private static int[] slotPlans(java.util.List<DevicePlanRunner<?>> runners) {
        int[] sum = new int[2];
        for (DevicePlanRunner<?> r : runners) {
            int[] p = r.slotPlan();
            sum[0] += p[0];
            sum[1] += p[1];
        }
        return sum;
    }

    /**
     * A block method run by the interpreter reads the state S (written in place on the device) and a
     * cache that grows each call, and assigns S between device calls; the device calls after it use the
     * assigned value. Every value matches the interpreter's.
     */
    @Test
    void theInterpreterReadsAndAssignsStatesBetweenDeviceCalls() throws Exception {
        String script = Files.readString(Path.of("src", "test", "resources", "device", "cell_states.lin"));
        String names = "a = a, b = b, seen = seen, k1 = k1, c = c, scaled = scaled, d = d, e = e, last = last, f = f, g = g, keys_end = keys_end";
        Map<String, Tensor> interp = results("interp", script, names), device = results("opencl", script, names);
        for (String n : interp.keySet()) {
            double e = DeviceCallsOpenClTest.relRms(interp.get(n), device.get(n));
            System.out.printf("cell_states %s on opencl: relative RMS error %.2e%n", n, e);
            assertTrue(e <= 1e-4, n + ": relative RMS error " + e);
        }
        assertEquals(12, interp.size());
    }

    private Map<String, Tensor> results(String engine, String script, String names) throws Exception {
        Path out = dir.resolve(engine + ".safetensors");
        DeviceCallsOpenClTest.run(engine, script + "\nsave(\"" + out + "\", " + names + ")\n", new ByteArrayOutputStream());
        return SafeTensors.read(out).tensors();
    }

    /**
     * 200 decode steps hold as much device memory at the end as after 10 (the recurrent model) or
     * as many buffers, more bytes only as the caches grow (the attention model); a session reset gives its states
     * back (after a collection, at the next call), and closing the context releases every buffer.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gated_deltanet", "attention"})
    void deviceMemoryComesBack(String name) throws Exception {
        String[] ex = example(name);
        OpenClDevice dev;
        DeviceMemory<?> memory;
        try (Context c = context("opencl")) {
            eval(c, ex[0]);
            String plain = "let q = " + ex[1] + "(ids[:, 0:1])\nlet q2 = " + ex[1] + "(ids[:, 0:1])\nlet q3 = " + ex[1] + "(ids[:, 0:1])";
            // warm up every plan (prefill and step) once, then measure with nothing held by a session
            eval(c, "let warm = " + ex[1] + ".session()\nlet w0 = warm(ids[:, 0:8])\nlet w1 = warm(ids[:, 8:9])\nwarm.reset()");
            Counts base = settled(c, plain);
            eval(c, "let s = " + ex[1] + ".session()\nlet p = s(ids[:, 0:8])\nlet y = s(ids[:, 8:9])\nfor i in 0..9 {\n    y = s(ids[:, 0:1])\n}");
            Counts at10 = counts(c);
            eval(c, "for i in 0..190 {\n    y = s(ids[:, 0:1])\n}");
            Counts at200 = counts(c);
            System.out.printf("%s on opencl: after 10 steps %d buffers, %d bytes; after 200 steps %d buffers, %d bytes%n", name,
                    at10.liveBuffers(), at10.liveBytes(), at200.liveBuffers(), at200.liveBytes());
            if (name.equals("gated_deltanet")) assertEquals(at10.liveBytes(), at200.liveBytes(), "device bytes after 10 and 200 steps");
            // the attention model's 2 layers each grow a K and a V cache [2, P, 1, 16] f32 by 256 bytes a step; the memory
            // also keeps the blocks of the last runs' sizes free for two runs, so at most twice that growth (stale blocks
            // of every size seen would be quadratic)
            else assertTrue(at200.liveBytes() - at10.liveBytes() <= 2 * 190 * 4 * 256 + 4096, "device bytes grow with the KV caches only");
            assertEquals(at10.liveBuffers(), at200.liveBuffers(), "device buffers after 10 and 200 steps");
            eval(c, "s.reset()");
            Counts end = settled(c, plain);
            assertEquals(base.liveBuffers(), end.liveBuffers(), "device buffers once the session's states are dropped");
            assertEquals(base.liveBytes(), end.liveBytes(), "device bytes once the session's states are dropped");
            dev = inside(c, DeviceCalls::openCl);
            memory = inside(c, DeviceCalls::memory);
            assertTrue(dev.liveBuffers() > 0);
        }
        assertEquals(0, memory.liveBuffers(), "buffers left after the context closed");
        assertEquals(0, dev.liveBuffers(), "OpenCL buffers left after the context closed");
    }

    /** The counts once dropped states are collected and given back and the memory's idle blocks have gone (plain calls in between). */
    private static Counts settled(Context c, String plainCalls) throws InterruptedException {
        Counts last = null;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(50);
            eval(c, plainCalls);
            Counts now = counts(c);
            if (last != null && now.liveBuffers() == last.liveBuffers() && now.liveBytes() == last.liveBytes()) return now;
            last = now;
        }
        return last;
    }
}
