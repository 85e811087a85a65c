package org.linlang.compiler.ir.lower;

import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Type;

/**
 * What an expression evaluates to while a program is lowered: host values are computed now (so
 * loops unroll and {@code if}s pick a branch), tensors are nodes of the graph being built.
 */
sealed interface Value {
    /** A host int; a polynomial, so that {@code T} or {@code heads * dk} can be one too. */
    record Int(Dim v) implements Value {
        boolean known() { return v.isConstant(); }
    }

    record Flt(double v) implements Value {}

    record Bool(boolean v) implements Value {}

    record Str(String v) implements Value {}

    record Tensor(Node node) implements Value {}

    record Tuple(List<Value> parts) implements Value {}

    record Lst(List<Value> items) implements Value {}

    record Inst(Instance inst) implements Value {}

    record Fn(Decl.Fn decl) implements Value {}

    record Rec(Decl.Recurrence decl) implements Value {}

    record Ctor(Decl.Block decl) implements Value {}

    record Builtin(String name) implements Value {}

    /** {@code m.load} / {@code m.save}: the weight methods every block has. */
    record WeightMethod(String name, Instance self) implements Value {}

    record Method(Instance self, Decl.Method method) implements Value {}

    record Module(String path, Map<String, Type> members) implements Value {}

    /** A learned tensor of a block, made a weight node when first read (its path is known by then). */
    record LazyWeight(Instance owner, Decl.TensorParam param) implements Value {}

    record Unit() implements Value {}

    /** A block's {@code state} member before a method of its block first runs in this graph. */
    record LazyState(Instance owner, Decl.StateMember member) implements Value {}

    /** {@code none}: an optional parameter left out. */
    record None() implements Value {}

    static String describe(Value v) {
        return switch (v) {
            case Int i -> "the int " + i.v();
            case Flt f -> "the float " + f.v();
            case Bool b -> "the bool " + b.v();
            case Str s -> "a string";
            case Tensor t -> "a tensor " + t.node().type();
            case Tuple t -> "a tuple";
            case Lst l -> "a list";
            case Inst i -> "an instance of " + i.inst().decl.name();
            case Fn f -> "function " + f.decl().name();
            case Rec r -> "recurrence " + r.decl().name();
            case Ctor c -> "block " + c.decl().name();
            case Builtin b -> "builtin " + b.name();
            case WeightMethod w -> "method " + w.name();
            case Method m -> "method " + m.method().name();
            case Module m -> "module " + m.path();
            case LazyWeight w -> "weight " + w.param().name();
            case Unit u -> "nothing";
            case None n -> "none";
            case LazyState s -> "state " + s.member().name();
        };
    }
}
