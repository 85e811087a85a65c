package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinBlockClass;
import org.linlang.runtime.truffle.values.LinBoundMethod;
import org.linlang.runtime.truffle.values.LinFunction;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinModuleValue;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinTensorDict;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code target.name}: a member of a block instance (a parameter, a field, a tensor, or a method ready
 * to call), a definition of an imported module, or {@code x.shape}, {@code x.T}, {@code x.dtype} of a
 * tensor.
 */
@NodeInfo(shortName = ".")
public final class LinMemberNode extends LinExpressionNode {
    @Child private LinExpressionNode target;
    private final String name;

    public LinMemberNode(LinExpressionNode target, String name) {
        this.target = target;
        this.name = name;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return member(target.executeGeneric(frame));
    }

    @TruffleBoundary
    private Object member(Object value) {
        switch (value) {
            case LinInstance inst -> {
                LinBlockClass cls = inst.blockClass();
                LinFunction method = cls.method(name);
                if (method != null) return new LinBoundMethod(inst, method);
                int slot = cls.slot(name);
                if (slot >= 0 && cls.slotKind(slot) == LinBlockClass.SlotKind.STATE) {
                    throw new LinRuntimeError("'" + name + "' is a state of " + cls.kindWord() + " '" + cls.name() + "': only its own methods read and assign it", this);
                }
                if (slot >= 0) return inst.read(slot);
                LinFunction weights = cls.weightMethod(name);
                if (weights != null) return new LinBoundMethod(inst, weights);
                throw new LinRuntimeError(cls.kindWord() + " '" + inst + "' has no member '" + name + "'", this);
            }
            case LinTensor t -> {
                switch (name) {
                    case "shape": return LinTensor.shapeList(t.tensor().shape());
                    case "dtype": return t.dtype().lin();
                    case "T":
                        if (t.rank() < 2) throw new LinRuntimeError(".T needs at least two dimensions, got " + t.typeText(), this);
                        return new LinTensor(t.tensor().transpose(-2, -1));
                    default: throw new LinRuntimeError("a tensor has no member '" + name + "' (it has shape, T and dtype)", this);
                }
            }
            case LinModuleValue m -> {
                Object v = m.member(name);
                if (v == null) throw new LinRuntimeError("module '" + m.path() + "' has no definition '" + name + "'", this);
                return v;
            }
            case LinTensorDict d -> {
                LinTensor t = d.get(name);
                if (t == null) throw new LinRuntimeError("'" + d.file() + "' has no tensor named '" + name + "'", this);
                return t;
            }
            default -> throw new LinRuntimeError(LinValues.aTypeName(value) + " has no member '" + name + "'", this);
        }
    }
}
