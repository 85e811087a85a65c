package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinBinaryNode;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code a == b} (or {@code a != b} when {@code negated}). Numbers compare by value across int and
 * float; lists and tuples element by element; values of different kinds are unequal.
 */
@NodeInfo(shortName = "==")
public abstract class LinEqualNode extends LinBinaryNode {
    protected final boolean negated;

    protected LinEqualNode(boolean negated) {
        this.negated = negated;
    }

    @Specialization
    protected boolean eqLong(long left, long right) {
        return (left == right) != negated;
    }

    @Specialization
    protected boolean eqDouble(double left, double right) {
        return (left == right) != negated;
    }

    @Specialization
    protected boolean eqBoolean(boolean left, boolean right) {
        return (left == right) != negated;
    }

    @Specialization
    @TruffleBoundary
    protected boolean eqString(String left, String right) {
        return left.equals(right) != negated;
    }

    @Fallback
    protected boolean eqGeneric(Object left, Object right) {
        return LinValues.equal(left, right) != negated;
    }
}
