package org.linlang.runtime.truffle;

import com.oracle.truffle.api.dsl.ImplicitCast;
import com.oracle.truffle.api.dsl.TypeSystem;
import org.linlang.runtime.truffle.values.LinFunction;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTuple;

/**
 * {@link LinTypes} plus the one implicit conversion of arithmetic: an int operand meets a float one
 * as a float ({@code 1 + 0.5}). Only operator and math nodes use it; specializations list the
 * {@code long} case first, so int with int stays int.
 */
@TypeSystem({long.class, double.class, boolean.class, String.class, LinList.class, LinTuple.class, LinFunction.class})
public abstract class LinNumericTypes {
    @ImplicitCast
    public static double castLongToDouble(long value) {
        return value;
    }
}
