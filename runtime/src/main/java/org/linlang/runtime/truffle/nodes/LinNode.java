package org.linlang.runtime.truffle.nodes;

import com.oracle.truffle.api.dsl.TypeSystemReference;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.nodes.RootNode;
import com.oracle.truffle.api.source.SourceSection;
import org.linlang.compiler.source.Span;
import org.linlang.runtime.truffle.LinTypes;

/**
 * Base of every Lin node. Stores where in the source it came from as a character range; the
 * section is made on demand from the root node's source (only error reporting and tools ask).
 */
@TypeSystemReference(LinTypes.class)
@NodeInfo(language = "Lin")
public abstract class LinNode extends Node {
    private int sourceStart = -1;
    private int sourceLength;

    @Override
    public final SourceSection getSourceSection() {
        if (sourceStart < 0) return null;
        RootNode root = getRootNode();
        if (root == null) return null;
        SourceSection rootSection = root.getSourceSection();
        if (rootSection == null) return null;
        return rootSection.getSource().createSection(sourceStart, sourceLength);
    }

    public final boolean hasSource() { return sourceStart >= 0; }

    /** Records the span of the AST node this node was made from; returns this node. */
    public final <T extends LinNode> T at(Span span) {
        this.sourceStart = span.start();
        this.sourceLength = span.end() - span.start();
        @SuppressWarnings("unchecked") T self = (T) this;
        return self;
    }
}
