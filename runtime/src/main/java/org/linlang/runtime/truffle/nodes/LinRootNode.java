package org.linlang.runtime.truffle.nodes;

import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.RootNode;
import com.oracle.truffle.api.source.SourceSection;
import org.linlang.runtime.truffle.LinLanguage;

/** The root of a function or of a file's script statements. */
public final class LinRootNode extends RootNode {
    @Child private LinExpressionNode body;
    private final String name;
    private final SourceSection section;
    private final boolean isScript;

    public LinRootNode(LinLanguage language, FrameDescriptor frame, LinExpressionNode body, String name,
                       SourceSection section, boolean isScript) {
        super(language, frame);
        this.body = body;
        this.name = name;
        this.section = section;
        this.isScript = isScript;
    }

    @Override
    public Object execute(VirtualFrame frame) {
        return body.executeGeneric(frame);
    }

    @Override public String getName() { return name; }

    @Override public SourceSection getSourceSection() { return section; }

    @Override public boolean isCloningAllowed() { return !isScript; }

    @Override public String toString() { return isScript ? "script " + name : "fn " + name; }
}
