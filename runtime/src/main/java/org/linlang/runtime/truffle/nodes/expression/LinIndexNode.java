package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinTensorDict;
import org.linlang.runtime.truffle.values.LinTuple;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code xs[i]} on a list, tuple or string (a negative index counts from the end, as in Python), on a
 * tensor (along its first axis), or {@code d["name"]} on the tensors of a loaded file.
 */
@NodeChild("target")
@NodeChild("index")
@NodeInfo(shortName = "[]")
public abstract class LinIndexNode extends LinExpressionNode {

    @Specialization
    protected Object indexList(LinList list, long index) {
        return list.get(position(index, list.size(), list));
    }

    @Specialization
    protected Object indexTuple(LinTuple tuple, long index) {
        return tuple.get(position(index, tuple.size(), tuple));
    }

    @Specialization
    @TruffleBoundary
    protected String indexString(String string, long index) {
        int length = string.codePointCount(0, string.length());
        int at = position(index, length, string);
        int offset = string.offsetByCodePoints(0, at);
        return Character.toString(string.codePointAt(offset));
    }

    @Specialization
    protected Object indexTensor(LinTensor tensor, Object index) {
        return LinTensorIndexNode.single(tensor, new TensorOps.Item.At(LinTensorIndexNode.bound(index, this, "a tensor index")), this);
    }

    @Specialization
    @TruffleBoundary
    protected Object indexDict(LinTensorDict dict, String name) {
        LinTensor t = dict.get(name);
        if (t == null) {
            throw new LinRuntimeError("'" + dict.file() + "' has no tensor named '" + name + "'"
                    + (dict.tensors().isEmpty() ? " (it holds none)" : "; it holds " + String.join(", ", dict.tensors().keySet())), this);
        }
        return t;
    }

    @Fallback
    @TruffleBoundary
    protected Object typeError(Object target, Object index) {
        if (target instanceof LinList || target instanceof LinTuple || target instanceof String) {
            throw new LinRuntimeError("an index into a " + LinValues.typeName(target) + " must be an int, got "
                    + LinValues.typeName(index), this);
        }
        throw new LinRuntimeError("cannot index a value of type " + LinValues.typeName(target), this);
    }

    private int position(long index, int length, Object target) {
        long at = index < 0 ? index + length : index;
        if (at < 0 || at >= length) {
            CompilerDirectives.transferToInterpreter();
            throw outOfRange(index, length, target);
        }
        return (int) at;
    }

    @TruffleBoundary
    private LinRuntimeError outOfRange(long index, int length, Object target) {
        return new LinRuntimeError("index " + index + " is out of range for a " + LinValues.typeName(target)
                + " of length " + length, this);
    }
}
