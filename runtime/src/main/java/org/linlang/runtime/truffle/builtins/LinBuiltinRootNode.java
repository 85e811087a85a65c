package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.RootNode;
import org.linlang.runtime.truffle.LinLanguage;

/** The root of a builtin used as a value ({@code let f = sqrt}); its arguments come from the frame. */
public final class LinBuiltinRootNode extends RootNode {
    @Child private LinBuiltinNode body;
    private final String name;

    public LinBuiltinRootNode(LinLanguage language, LinBuiltinNode body, String name) {
        super(language);
        this.body = body;
        this.name = name;
    }

    @Override
    public Object execute(VirtualFrame frame) {
        return body.executeGeneric(frame);
    }

    @Override public String getName() { return name; }

    @Override public boolean isCloningAllowed() { return true; }

    @Override public String toString() { return "builtin " + name; }
}
