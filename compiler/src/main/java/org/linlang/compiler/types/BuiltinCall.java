package org.linlang.compiler.types;

import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.source.Span;

/** A call of a builtin as its type rule sees it: argument types, the argument expressions, and helpers. */
public final class BuiltinCall {
    private final Checker checker;
    private final Scope scope;
    final Expr.Call call;
    final List<Type> args;
    final List<Expr> argExprs;
    final Map<String, Type> named;
    final Map<String, Expr> namedExprs;

    BuiltinCall(Checker checker, Scope scope, Expr.Call call, List<Type> args, List<Expr> argExprs,
                Map<String, Type> named, Map<String, Expr> namedExprs) {
        this.checker = checker;
        this.scope = scope;
        this.call = call;
        this.args = args;
        this.argExprs = argExprs;
        this.named = named;
        this.namedExprs = namedExprs;
    }

    public int count() { return args.size(); }

    public Type arg(int i) { return args.get(i); }

    public Expr argExpr(int i) { return argExprs.get(i); }

    public Type named(String name) { return named.get(name); }

    public Expr namedExpr(String name) { return namedExprs.get(name); }

    public Span span() { return call.span(); }

    public Type error(Code code, Span at, String message) {
        checker.diags().error(code, at, message);
        return Type.ERROR;
    }

    /** The axis an {@code axis = …} argument names in a shape, or -1 after reporting why there is none. */
    int axis(Expr e, Shape shape) { return checker.axis(e, scope, shape); }

    /** A constant int argument's value, or null. */
    Long constant(Expr e) {
        Type t = checker.typeOf(e);
        return t instanceof Type.Int i && i.value() != null && i.value().isConstant() ? i.value().constant() : null;
    }

    Checker checker() { return checker; }
}
