package org.linlang.runtime.gpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-launch device times of the plan calls made while it is attached to runners
 * ({@link DevicePlanRunner#profileInto}): each launch's {@link LaunchCost} and its time on the
 * device's clock, and each call's wall time. {@link #rows} folds them per kernel for a table.
 * Not thread-safe: one profile per benchmark.
 */
public final class KernelProfile {
    /** One timed launch of the {@code call}-th plan call (from 0, since the last {@link #clear}). */
    public record Launch(int call, LaunchCost cost, double seconds) {}

    /**
     * One kernel over the calls profiled.
     *
     * @param launches      how many times it ran per plan call (launches in all / calls)
     * @param medianSeconds the median of its launches' times
     * @param totalSeconds  its time in a typical call: the median times its launches per call
     * @param bytes         the bytes of one launch (its largest)
     * @param flops         the flops of one launch (its largest)
     */
    public record Row(String kernel, String role, double launches, double medianSeconds, double totalSeconds, long bytes, double flops) {
        public double bytesPerSecond() { return bytes / medianSeconds; }

        public double flopsPerSecond() { return flops / medianSeconds; }
    }

    private record Pending(LaunchCost cost, LaunchTimer timer) {}

    private final List<Launch> launches = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final List<Double> callSeconds = new ArrayList<>();

    void add(LaunchCost cost, LaunchTimer timer) { pending.add(new Pending(cost, timer)); }

    /** The end of a plan call (its queue finished): reads the timers of its launches. */
    void endCall(double wallSeconds) {
        for (Pending p : pending) launches.add(new Launch(callSeconds.size(), p.cost(), p.timer().seconds()));
        pending.clear();
        callSeconds.add(wallSeconds);
    }

    /** A call that failed: its timers are read (and so given back) but not kept. */
    void dropCall() {
        for (Pending p : pending) {
            try {
                p.timer().seconds();
            } catch (RuntimeException e) {
                // the launch may never have run; nothing to keep
            }
        }
        pending.clear();
    }

    public List<Launch> launches() { return List.copyOf(launches); }

    /** The wall time of each plan call, from its first upload to its last download. */
    public List<Double> callSeconds() { return List.copyOf(callSeconds); }

    public void clear() {
        launches.clear();
        callSeconds.clear();
    }

    /** The sum of every launch's time. */
    public double kernelSeconds() {
        double s = 0;
        for (Launch l : launches) s += l.seconds();
        return s;
    }

    /** One row per kernel name, the most time per plan call first. */
    public List<Row> rows() { return rows(callSeconds.size()); }

    /** One row per kernel name, per {@code calls} calls of the caller's (a model call may run several plans). */
    public List<Row> rows(int calls) {
        calls = Math.max(1, calls);
        Map<String, List<Launch>> by = new LinkedHashMap<>();
        for (Launch l : launches) by.computeIfAbsent(l.cost().kernel(), k -> new ArrayList<>()).add(l);
        var rows = new ArrayList<Row>();
        for (var e : by.entrySet()) {
            List<Launch> ls = e.getValue();
            double[] t = ls.stream().mapToDouble(Launch::seconds).sorted().toArray();
            long bytes = ls.stream().mapToLong(l -> l.cost().bytes()).max().orElse(0);
            double flops = ls.stream().mapToDouble(l -> l.cost().flops()).max().orElse(0);
            double perCall = ls.size() / (double) Math.max(1, calls);
            rows.add(new Row(e.getKey(), ls.getFirst().cost().role(), perCall, median(t), median(t) * perCall, bytes, flops));
        }
        rows.sort((a, b) -> Double.compare(b.totalSeconds(), a.totalSeconds()));
        return rows;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) return 0;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
