package org.linlang.runtime.truffle;

import com.oracle.truffle.api.dsl.TypeSystem;
import org.linlang.runtime.truffle.values.LinFunction;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTuple;

/**
 * The value types of the interpreter: int is {@code long}, float is {@code double}, bool is
 * {@code boolean}, string is {@code String}. No implicit conversions here, so that storing a value never
 * changes its type; arithmetic nodes use {@link LinNumericTypes}, where an int widens to a float.
 */
@TypeSystem({long.class, double.class, boolean.class, String.class, LinList.class, LinTuple.class, LinFunction.class})
public abstract class LinTypes {
}
