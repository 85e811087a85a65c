package org.linlang.runtime.truffle.parser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.types.Program;
import org.linlang.compiler.types.Shape;
import org.linlang.compiler.types.Type;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.builtins.LinTensorBuiltinNode;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.blocks.LinMemberNode;
import org.linlang.runtime.truffle.nodes.expression.LinConstantNode;
import org.linlang.runtime.truffle.nodes.expression.LinConvertNode;
import org.linlang.runtime.truffle.nodes.expression.LinErrorNode;
import org.linlang.runtime.truffle.nodes.expression.LinReshapeNode;
import org.linlang.runtime.truffle.nodes.expression.LinTensorIndexNode;
import org.linlang.runtime.truffle.ops.Axis;
import org.linlang.runtime.truffle.ops.TensorBuiltins;

/**
 * Translation of the expressions that only tensors (and blocks) have: member access, {@code as} with a
 * shape or element type, indexing with several items, and calls of tensor builtins, whose axis
 * arguments are interpreted with the checker's types ({@link #axis}).
 */
final class TensorExprs {
    private final LinTranslator t;
    private final Definitions definitions;
    private final Program program;

    TensorExprs(LinTranslator translator, Definitions definitions, Program program) {
        this.t = translator;
        this.definitions = definitions;
        this.program = program;
    }

    /** The checker's type of an expression, or null when it is not known (no program, or it failed). */
    private Type typeOf(Expr e) {
        if (program == null) return null;
        Type type = program.typeOf(e);
        return Type.isLenient(type) ? null : type;
    }

    LinExpressionNode member(Expr.Member m) {
        LinExpressionNode fromModule = definitions.moduleMember(m);
        if (fromModule != null) return fromModule;
        return new LinMemberNode(t.expr(m.target()), m.member().name());
    }

    /** {@code x as bf16}, {@code x as [B, T, H, K]}, {@code x as f32[.., D]}. */
    LinExpressionNode as(Expr.As a) {
        LinExpressionNode value = t.expr(a.value());
        switch (a.type()) {
            case TypeExpr.Named n -> {
                DType dtype = Definitions.elementType(n.name().name());
                if (dtype == null && n.name().name().equals("bool")) dtype = DType.BOOL;
                if (dtype == null) return new LinErrorNode("cannot convert a value to " + n.name().name());
                return new LinConvertNode(value, dtype);
            }
            case TypeExpr.Tensor tt -> {
                boolean rest = !tt.dims().isEmpty() && tt.dims().getFirst() instanceof TypeExpr.Rest;
                List<LinExpressionNode> dims = new ArrayList<>();
                for (TypeExpr.DimExpr d : tt.dims()) if (!(d instanceof TypeExpr.Rest)) dims.add(definitions.dimNode(d));
                int explicit = -1;
                if (rest && typeOf(a.value()) instanceof Type.Tensor vt && vt.shape().hasRest()) explicit = vt.shape().rank();
                DType dtype = tt.dtype() == null ? null : DType.fromLin(tt.dtype().name());
                return new LinReshapeNode(value, dims.toArray(LinExpressionNode[]::new), rest, explicit, dtype, tt.span().text());
            }
            case TypeExpr.Tuple tu -> {
                return new LinErrorNode("'as' takes a shape such as [B, T, H, K] or an element type");
            }
        }
    }

    /** {@code x[i, a:b, ..]}: several items, or {@code ..}. */
    LinExpressionNode index(Expr.Index i) {
        List<LinTensorIndexNode.Item> items = new ArrayList<>();
        for (Expr.IndexItem it : i.items()) {
            items.add(switch (it) {
                case Expr.At at -> LinTensorIndexNode.Item.index(t.expr(at.index()));
                case Expr.Slice s -> LinTensorIndexNode.Item.slice(optional(s.lo()), optional(s.hi()), optional(s.step()));
                case Expr.Ellipsis e -> LinTensorIndexNode.Item.rest();
            });
        }
        return new LinTensorIndexNode(t.expr(i.target()), items.toArray(LinTensorIndexNode.Item[]::new));
    }

    private LinExpressionNode optional(Expr e) {
        return e == null ? null : t.expr(e);
    }

    /**
     * A call of a tensor builtin by its name, with its named arguments; null when {@code c} is not one
     * (max and min of numbers keep their scalar node).
     */
    LinExpressionNode builtinCall(Expr.Call c, String name) {
        TensorBuiltins.Def def = TensorBuiltins.get(name);
        if (def == null) return null;
        boolean named = c.args().stream().anyMatch(a -> a.name() != null);
        if ((name.equals("max") || name.equals("min")) && !named) return null;
        List<LinExpressionNode> positional = new ArrayList<>();
        List<Expr> positionalExprs = new ArrayList<>();
        List<LinExpressionNode> namedNodes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, Expr> namedExprs = new LinkedHashMap<>();
        for (Expr.Arg a : c.args()) {
            if (a.name() == null) {
                positional.add(t.expr(a.value()));
                positionalExprs.add(a.value());
            } else {
                String n = a.name().name();
                names.add(n);
                namedExprs.put(n, a.value());
                // dtype = bf16: an element type, not a value.
                if (n.equals("dtype") && a.value() instanceof Expr.Name type) namedNodes.add(new LinConstantNode(type.name()).at(a.value().span()));
                else namedNodes.add(t.expr(a.value()));
            }
        }
        Map<String, Axis> axes = new LinkedHashMap<>();
        Expr subject = positionalExprs.isEmpty() ? null : positionalExprs.getFirst();
        if (name.equals("concat") || name.equals("stack")) {
            axes.put("axis", Axis.INDEX);
        } else if (name.equals("transpose")) {
            axes.put("a", axis(subject, positionalExprs.size() > 1 ? positionalExprs.get(1) : namedExprs.get("a")));
            axes.put("b", axis(subject, positionalExprs.size() > 2 ? positionalExprs.get(2) : namedExprs.get("b")));
        } else if (namedExprs.containsKey("axis")) {
            axes.put("axis", axis(subject, namedExprs.get("axis")));
        }
        return new LinTensorBuiltinNode(def, positional.toArray(LinExpressionNode[]::new), namedNodes.toArray(LinExpressionNode[]::new),
                names.toArray(String[]::new), axes).at(c.span());
    }

    /**
     * How an axis argument designates its axis. A constant int is an index. A dimension name
     * ({@code axis = D}) is the axis the checker's type of the tensor gives that dimension: for
     * {@code x: [.., D]} the last one, -1, whatever D's value; when the types do not tell (a dynamic
     * value), the axis of that size when the program runs.
     */
    Axis axis(Expr tensor, Expr axisExpr) {
        if (axisExpr == null) return Axis.INDEX;
        if (axisExpr instanceof Expr.IntLit || axisExpr instanceof Expr.Unary u && u.operand() instanceof Expr.IntLit) return Axis.INDEX;
        Type at = typeOf(axisExpr);
        if (at instanceof Type.Int i && i.value() != null) {
            if (i.value().isConstant()) return Axis.INDEX;
            if (tensor != null && typeOf(tensor) instanceof Type.Tensor x) {
                Shape s = x.shape();
                int found = -1, count = 0;
                for (int k = 0; k < s.rank(); k++) {
                    if (s.dim(k).equals(i.value())) {
                        if (found < 0) found = k;
                        count++;
                    }
                }
                if (count == 1) return Axis.fixed(s.hasRest() ? found - s.rank() : found);
            }
            return Axis.SIZE;
        }
        if (at == null && axisExpr instanceof Expr.Name n && t.isDimension(n.name())) return Axis.SIZE;
        return Axis.INDEX;
    }
}
