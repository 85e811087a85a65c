package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTuple;

/** {@code len(x)}: elements of a list or tuple, characters (code points) of a string, the first dimension of a tensor. */
@NodeChild(value = "value", type = LinExpressionNode.class)
@NodeInfo(shortName = "len")
public abstract class LinLenBuiltin extends LinBuiltinNode {

    @Specialization
    protected long lenList(LinList list) {
        return list.size();
    }

    @Specialization
    protected long lenTuple(LinTuple tuple) {
        return tuple.size();
    }

    @Specialization
    @TruffleBoundary
    protected long lenString(String string) {
        return string.codePointCount(0, string.length());
    }

    @Specialization
    @TruffleBoundary
    protected long lenTensor(org.linlang.runtime.truffle.values.LinTensor tensor) {
        if (tensor.rank() == 0) throw error("len() of a tensor without dimensions (" + tensor.typeText() + ")");
        return tensor.tensor().dim(0);
    }

    @Specialization
    @TruffleBoundary
    protected long lenDict(org.linlang.runtime.truffle.values.LinTensorDict dict) {
        return dict.tensors().size();
    }

    @Fallback
    protected Object typeError(Object value) {
        throw argumentError("len", "a list, tuple, string or tensor", value);
    }
}
