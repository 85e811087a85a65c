package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import java.util.Arrays;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;

/**
 * {@code time { … }}: runs the body once to warm up, then {@value #RUNS} times, and gives the median
 * seconds of one run as a float. A median, because a single run on a shared machine says little.
 */
@NodeInfo(shortName = "time")
public final class LinTimeNode extends LinExpressionNode {
    static final int RUNS = 7;

    @Child private LinStatementNode body;

    public LinTimeNode(LinStatementNode body) {
        this.body = body;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        body.executeVoid(frame);
        long[] nanos = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = now();
            body.executeVoid(frame);
            nanos[i] = now() - start;
        }
        return median(nanos) / 1e9;
    }

    @TruffleBoundary
    private static long now() { return System.nanoTime(); }

    @TruffleBoundary
    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
