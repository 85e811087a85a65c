package org.linlang.runtime.truffle.nodes;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.FrameInstance;
import com.oracle.truffle.api.nodes.Node;

/** Where the running function was called from, so that errors about its arguments point at the call. */
public final class LinCallSite {
    private LinCallSite() {}

    /** The call node of the current frame, or {@code fallback} when the caller is not Lin code. */
    @TruffleBoundary
    public static Node of(Node fallback) {
        Node caller = Truffle.getRuntime().iterateFrames(FrameInstance::getCallNode);
        return caller != null && caller.getEncapsulatingSourceSection() != null ? caller : fallback;
    }
}
