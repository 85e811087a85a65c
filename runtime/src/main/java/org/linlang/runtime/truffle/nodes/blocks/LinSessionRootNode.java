package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.RootNode;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinNone;

/** {@code m.session()} (a new session of {@code m}) and {@code s.reset()} (empties its states), which every block has. */
public final class LinSessionRootNode extends RootNode {
    private final boolean reset;

    public LinSessionRootNode(LinLanguage language, boolean reset) {
        super(language);
        this.reset = reset;
    }

    @Override
    public Object execute(VirtualFrame frame) {
        LinInstance self = (LinInstance) frame.getArguments()[0];
        if (!reset) return self.session();
        self.resetStates();
        return LinNone.INSTANCE;
    }

    @Override public String getName() { return reset ? "reset" : "session"; }

    @Override public String toString() { return "instance " + getName(); }
}
