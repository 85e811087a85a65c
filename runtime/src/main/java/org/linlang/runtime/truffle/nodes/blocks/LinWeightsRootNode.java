package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.RootNode;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinCallSite;
import org.linlang.runtime.truffle.ops.Weights;
import org.linlang.runtime.truffle.session.LinSandbox;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinNone;
import org.linlang.runtime.truffle.values.LinValues;

/** {@code m.load(path)} (returns {@code m}) and {@code m.save(path)}, which every block and model has. */
public final class LinWeightsRootNode extends RootNode {
    private final boolean load;

    public LinWeightsRootNode(LinLanguage language, boolean load) {
        super(language);
        this.load = load;
    }

    @Override
    public Object execute(VirtualFrame frame) {
        Object[] args = frame.getArguments();
        return run((LinInstance) args[0], args[1]);
    }

    @TruffleBoundary
    private Object run(LinInstance self, Object path) {
        if (!(path instanceof String p)) {
            throw new LinRuntimeError((load ? "load" : "save") + " takes a path (a string), got " + LinValues.aTypeName(path), LinCallSite.of(this));
        }
        var env = LinLanguage.context(this).env();
        try {
            if (load) {
                Weights.load(self, p, LinSandbox.fileForReading(env, p, LinCallSite.of(this)), env.err());
                return self;
            }
            Weights.save(self, p, LinSandbox.fileForWriting(env, p, LinCallSite.of(this)));
            return LinNone.INSTANCE;
        } catch (IllegalArgumentException e) {
            throw new LinRuntimeError(e.getMessage(), LinCallSite.of(this));
        }
    }

    @Override public String getName() { return load ? "load" : "save"; }

    @Override public String toString() { return "weights " + getName(); }
}
