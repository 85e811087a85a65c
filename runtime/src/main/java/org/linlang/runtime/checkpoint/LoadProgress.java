package org.linlang.runtime.checkpoint;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A progress bar on standard error while a large checkpoint's tensors are converted and paged in:
 * {@code loading DIR [##########..........]  52%  1.2/2.3 GB}, redrawn in place, ended with a newline.
 * Loads under {@link #THRESHOLD} bytes draw nothing.
 */
public final class LoadProgress {
    /** Smaller loads finish in well under a second: no bar. */
    public static final long THRESHOLD = 64L << 20;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String what;
    private final long total;
    private long done;
    private int lastPercent = -1;

    private LoadProgress(PrintStream out, String what, long total) {
        this.out = out;
        this.what = what;
        this.total = total;
    }

    /** A bar for {@code total} bytes, or one that draws nothing when the load is small or there is no stream. */
    public static LoadProgress start(OutputStream err, String what, long total, long threshold) {
        if (err == null || total < threshold) return new LoadProgress(null, what, total);
        return new LoadProgress(new PrintStream(err, true, StandardCharsets.UTF_8), what, total);
    }

    public void advance(long bytes) {
        done += bytes;
        if (out == null) return;
        int percent = total == 0 ? 100 : (int) (100 * done / total);
        if (percent == lastPercent) return;
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        out.print("\rloading " + what + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                + String.format("%3d%%  %s/%s", percent, size(done), size(total)));
        out.flush();
    }

    public void finish() {
        if (out == null) return;
        out.println();
        out.flush();
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format("%.1f GB", bytes / (double) (1L << 30));
        return String.format("%.1f MB", bytes / (double) (1L << 20));
    }
}
