package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinBinaryNode;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinTensor;

/** {@code a @ b}: the matrix product of tensors, with numpy's rules for vectors and batch axes. */
@NodeInfo(shortName = "@")
public abstract class LinMatMulNode extends LinBinaryNode {

    @Specialization
    protected Object matmul(LinTensor left, LinTensor right) {
        return tensorOp(TensorOps.Op.MATMUL, left, right);
    }

    @Fallback
    protected Object typeError(Object left, Object right) {
        if (isTensorOp(left, right)) {
            throw error("@ multiplies tensors; the " + (left instanceof LinTensor ? "right" : "left")
                    + " operand is a number, use * to scale");
        }
        throw operandError("@", left, right);
    }
}
