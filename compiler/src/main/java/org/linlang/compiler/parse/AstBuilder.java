package org.linlang.compiler.parse;

import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BufferedTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.ast.Import;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.source.Span;
import org.linlang.grammar.LinParser;
import org.linlang.grammar.LinParser.*;

/** Parse tree → immutable AST with source spans. Runs only on trees without syntax errors. */
final class AstBuilder {
    private static final int DOC_CHANNEL = 2;

    private final Source source;
    private final BufferedTokenStream tokens;
    private final Diagnostics diags;

    AstBuilder(Source source, BufferedTokenStream tokens, Diagnostics diags) {
        this.source = source;
        this.tokens = tokens;
        this.diags = diags;
    }

    Module file(FileContext ctx) {
        var imports = new ArrayList<Import>();
        var decls = new ArrayList<Decl>();
        var script = new ArrayList<Stmt>();
        for (ItemContext item : ctx.item()) {
            if (item.importDecl() != null) imports.add(importDecl(item.importDecl()));
            else if (item.definition() != null) decls.add(definition(item.definition()));
            else if (item.statement() != null) {
                Stmt s = statement(item.statement());
                if (s != null) script.add(s);
            }
        }
        return new Module(source, imports, decls, script);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Span span(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop();
        int end = stop == null || stop.getStopIndex() < start.getStartIndex() ? start.getStartIndex() : stop.getStopIndex() + 1;
        return new Span(source, start.getStartIndex(), end);
    }

    private Span span(Token t) { return Parsing.tokenSpan(source, t); }

    private Ident ident(IdentContext ctx) { return new Ident(ctx.getText(), span(ctx)); }

    /** The {@code ///} lines directly above a definition, without their markers. */
    private String doc(ParserRuleContext ctx) {
        List<Token> hidden = tokens.getHiddenTokensToLeft(ctx.getStart().getTokenIndex(), DOC_CHANNEL);
        if (hidden == null || hidden.isEmpty()) return null;
        var out = new StringBuilder();
        for (Token t : hidden) {
            String line = t.getText().substring(3);
            if (line.startsWith(" ")) line = line.substring(1);
            if (!out.isEmpty()) out.append('\n');
            out.append(line);
        }
        return out.toString();
    }

    // ---- imports and definitions -------------------------------------------------------------------

    private Import importDecl(ImportDeclContext ctx) {
        List<Ident> path = ctx.modulePath().ident().stream().map(this::ident).toList();
        List<Import.Item> items = null;
        if (!ctx.importItem().isEmpty()) {
            items = ctx.importItem().stream()
                    .map(i -> new Import.Item(ident(i.ident(0)), i.alias == null ? null : ident(i.alias)))
                    .toList();
        }
        return new Import(span(ctx), path, items, ctx.star != null);
    }

    private Decl definition(DefinitionContext ctx) {
        String doc = doc(ctx);
        if (ctx.fnDecl() != null) {
            FnDeclContext f = ctx.fnDecl();
            return new Decl.Fn(span(f), doc, ident(f.ident()), params(f.paramList()), type(f.type()),
                    bodyOrExpr(f.body(), f.expr()));
        }
        if (ctx.recurrenceDecl() != null) {
            RecurrenceDeclContext r = ctx.recurrenceDecl();
            var states = r.stateDecl().stream()
                    .map(s -> new Decl.State(span(s), ident(s.ident()), type(s.type()), s.expr() == null ? null : expr(s.expr())))
                    .toList();
            return new Decl.Recurrence(span(r), doc, ident(r.ident()), params(r.paramList()), type(r.type()), states,
                    body(r.body()));
        }
        BlockDeclContext b = ctx.blockDecl();
        var members = new ArrayList<Decl.Member>();
        for (MemberContext m : b.member()) {
            switch (m) {
                case ParamMemberContext p -> members.add(new Decl.TensorParam(span(p), ident(p.ident()), type(p.type()),
                        p.expr() == null ? null : expr(p.expr())));
                case StateMemberContext st -> members.add(new Decl.StateMember(span(st), ident(st.ident()), type(st.type()),
                        st.expr() == null ? null : expr(st.expr())));
                case FieldMemberContext f -> members.add(new Decl.Field(span(f), ident(f.ident()), expr(f.expr())));
                case MethodMemberContext mm -> members.add(new Decl.Method(span(mm), doc(mm), ident(mm.ident()),
                        params(mm.paramList()), type(mm.type()), bodyOrExpr(mm.body(), mm.expr())));
                default -> { }
            }
        }
        return new Decl.Block(span(b), doc, b.kind.getText().equals("model"), ident(b.ident()), params(b.paramList()), members);
    }

    private List<Param> params(ParamListContext ctx) {
        if (ctx == null) return List.of();
        return ctx.param().stream()
                .map(p -> new Param(span(p), ident(p.ident()), type(p.type()), p.expr() == null ? null : expr(p.expr())))
                .toList();
    }

    /** {@code = expr} is sugar for a body that returns it. */
    private List<Stmt> bodyOrExpr(BodyContext body, ExprContext e) {
        if (body != null) return body(body);
        Expr value = expr(e);
        return List.of(new Stmt.Return(value.span(), value));
    }

    private List<Stmt> body(BodyContext ctx) {
        var out = new ArrayList<Stmt>();
        for (StatementContext s : ctx.statement()) {
            Stmt st = statement(s);
            if (st != null) out.add(st);
        }
        return out;
    }

    // ---- statements ------------------------------------------------------------------------------

    private Stmt statement(StatementContext ctx) {
        return switch (ctx) {
            case LetStmtContext s -> new Stmt.Let(span(s), pattern(s.pattern()), type(s.type()), expr(s.expr()));
            case ReturnStmtContext s -> new Stmt.Return(span(s), expr(s.expr()));
            case EmitStmtContext s -> new Stmt.Emit(span(s), expr(s.expr()));
            case AssignStmtContext s -> new Stmt.Assign(span(s), ident(s.ident()), expr(s.expr()));
            case ForStmtContext s -> new Stmt.For(span(s), ident(s.ident()), expr(s.expr(0)),
                    s.expr().size() > 1 ? expr(s.expr(1)) : null, body(s.body()));
            case IfStmtContext s -> new Stmt.If(span(s), expr(s.expr()), body(s.body(0)),
                    elseBranch(s.body().size() > 1 ? s.body(1) : null, s.ifTail()));
            case ExprStmtContext s -> new Stmt.ExprStmt(span(s), expr(s.expr()));
            default -> null;
        };
    }

    private List<Stmt> elseBranch(BodyContext body, IfTailContext tail) {
        if (body != null) return body(body);
        if (tail == null) return List.of();
        return List.of(new Stmt.If(span(tail), expr(tail.expr()), body(tail.body(0)),
                elseBranch(tail.body().size() > 1 ? tail.body(1) : null, tail.ifTail())));
    }

    private Stmt.Pattern pattern(PatternContext ctx) {
        return switch (ctx) {
            case NamePatternContext n -> new Stmt.NamePattern(ident(n.ident()));
            case TuplePatternContext t -> new Stmt.TuplePattern(span(t), t.pattern().stream().map(this::pattern).toList());
            default -> throw new IllegalStateException("unknown pattern");
        };
    }

    // ---- expressions ------------------------------------------------------------------------------

    Expr expr(ExprContext ctx) {
        return switch (ctx) {
            case PrimaryExprContext p -> primary(p.primary());
            case CallExprContext c -> new Expr.Call(span(c), expr(c.expr()), args(c.argList()));
            case MemberExprContext m -> new Expr.Member(span(m), expr(m.expr()), ident(m.ident()));
            case IndexExprContext i -> new Expr.Index(span(i), expr(i.expr()), i.indexItem().stream().map(this::indexItem).toList());
            case PowExprContext b -> binary(b, b.op, b.expr(0), b.expr(1));
            case MulExprContext b -> binary(b, b.op, b.expr(0), b.expr(1));
            case AddExprContext b -> binary(b, b.op, b.expr(0), b.expr(1));
            case CmpExprContext b -> binary(b, b.op, b.expr(0), b.expr(1));
            case AndExprContext b -> binary(b, b.op, b.expr(0), b.expr(1));
            case OrExprContext b -> binary(b, b.op, b.expr(0), b.expr(1));
            case NegExprContext n -> negate(n);
            case NotExprContext n -> new Expr.Unary(span(n), Expr.UnaryOp.NOT, expr(n.expr()));
            case AsExprContext a -> new Expr.As(span(a), expr(a.expr()), type(a.type()));
            case IfExprContext i -> new Expr.If(span(i), expr(i.expr(0)), expr(i.expr(1)), expr(i.expr(2)));
            case ForExprContext f -> new Expr.For(span(f), ident(f.ident()), expr(f.expr(0)),
                    f.expr().size() > 2 ? expr(f.expr(1)) : null, expr(f.expr(f.expr().size() - 1)));
            default -> throw new IllegalStateException("unknown expression " + ctx.getClass().getSimpleName());
        };
    }

    /** {@code -3} is a literal, so that {@code -9223372036854775808} and {@code -1e-6} read as written. */
    private Expr negate(NegExprContext n) {
        if (n.expr() instanceof PrimaryExprContext p && p.primary() instanceof IntLitContext lit) {
            String digits = "-" + lit.getText().replace("_", "");
            try {
                return new Expr.IntLit(span(n), Long.parseLong(digits));
            } catch (NumberFormatException e) {
                diags.error(Code.E005, span(n), "integer " + n.getText() + " does not fit in 64 bits");
                return new Expr.IntLit(span(n), 0);
            }
        }
        Expr operand = expr(n.expr());
        return switch (operand) {
            case Expr.IntLit i when n.expr() instanceof PrimaryExprContext -> new Expr.IntLit(span(n), -i.value());
            case Expr.FloatLit f when n.expr() instanceof PrimaryExprContext -> new Expr.FloatLit(span(n), -f.value());
            default -> new Expr.Unary(span(n), Expr.UnaryOp.NEG, operand);
        };
    }

    private Expr binary(ParserRuleContext ctx, Token op, ExprContext l, ExprContext r) {
        return new Expr.Binary(span(ctx), Expr.BinaryOp.of(op.getText()), expr(l), expr(r));
    }

    private Expr primary(PrimaryContext ctx) {
        return switch (ctx) {
            case IntLitContext i -> intLiteral(i);
            case FloatLitContext f -> floatLiteral(f);
            case StringLitContext s -> new Expr.StringLit(span(s), unescape(s.getText(), span(s)));
            case BoolLitContext b -> new Expr.BoolLit(span(b), b.getText().equals("true"));
            case NoneLitContext n -> new Expr.NoneLit(span(n));
            case NameRefContext n -> new Expr.Name(ident(n.ident()));
            case ParenExprContext p -> expr(p.expr());
            case TupleLitContext t -> new Expr.TupleLit(span(t), t.expr().stream().map(this::expr).toList());
            case ListLitContext l -> new Expr.ListLit(span(l), l.expr().stream().map(this::expr).toList());
            case TimeExprContext t -> new Expr.Time(span(t), body(t.body()));
            default -> throw new IllegalStateException("unknown primary");
        };
    }

    private Expr intLiteral(IntLitContext ctx) {
        String digits = ctx.getText().replace("_", "");
        try {
            return new Expr.IntLit(span(ctx), Long.parseLong(digits));
        } catch (NumberFormatException e) {
            diags.error(Code.E005, span(ctx), "integer " + ctx.getText() + " does not fit in 64 bits");
            return new Expr.IntLit(span(ctx), 0);
        }
    }

    private Expr floatLiteral(FloatLitContext ctx) {
        double value = Double.parseDouble(ctx.getText().replace("_", ""));
        if (Double.isInfinite(value)) {
            diags.error(Code.E005, span(ctx), "number " + ctx.getText() + " is too large for a float");
        }
        return new Expr.FloatLit(span(ctx), value);
    }

    private String unescape(String quoted, Span where) {
        String body = quoted.substring(1, quoted.length() - 1);
        var out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 >= body.length()) {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '0' -> out.append('\0');
                case '\\' -> out.append('\\');
                case '"' -> out.append('"');
                default -> {
                    int at = where.start() + 1 + i - 1;
                    diags.error(Code.E001, new Span(source, at, at + 2), "unknown escape '\\" + e + "' in string");
                    out.append(e);
                }
            }
        }
        return out.toString();
    }

    private List<Expr.Arg> args(ArgListContext ctx) {
        if (ctx == null) return List.of();
        return ctx.arg().stream()
                .map(a -> new Expr.Arg(span(a), a.ident() == null ? null : ident(a.ident()), expr(a.expr())))
                .toList();
    }

    private Expr.IndexItem indexItem(IndexItemContext ctx) {
        return switch (ctx) {
            case EllipsisIndexContext e -> new Expr.Ellipsis(span(e));
            case SingleIndexContext s -> new Expr.At(span(s), expr(s.expr()));
            case SliceIndexContext s -> new Expr.Slice(span(s), s.lo == null ? null : expr(s.lo),
                    s.hi == null ? null : expr(s.hi), s.step == null ? null : expr(s.step));
            default -> throw new IllegalStateException("unknown index");
        };
    }

    // ---- types ---------------------------------------------------------------------------------

    private TypeExpr type(TypeContext ctx) {
        if (ctx == null) return null;
        return switch (ctx) {
            case TupleTypeContext t -> new TypeExpr.Tuple(span(t), t.type().stream().map(this::type).toList());
            case TensorTypeContext t -> new TypeExpr.Tensor(span(t), t.ident() == null ? null : ident(t.ident()),
                    t.dim().stream().map(this::dim).toList());
            case NamedTypeContext n -> new TypeExpr.Named(ident(n.ident()));
            default -> throw new IllegalStateException("unknown type");
        };
    }

    private TypeExpr.DimExpr dim(DimContext ctx) {
        return switch (ctx) {
            case RestDimContext r -> new TypeExpr.Rest(span(r));
            case SizeDimContext s -> dimExpr(s.dimExpr());
            default -> throw new IllegalStateException("unknown dim");
        };
    }

    private TypeExpr.DimExpr dimExpr(DimExprContext ctx) {
        return switch (ctx) {
            case DimNameContext n -> new TypeExpr.DimName(ident(n.ident()));
            case DimLitContext l -> {
                try {
                    yield new TypeExpr.DimLit(span(l), Long.parseLong(l.getText().replace("_", "")));
                } catch (NumberFormatException e) {
                    diags.error(Code.E005, span(l), "dimension " + l.getText() + " does not fit in 64 bits");
                    yield new TypeExpr.DimLit(span(l), 1);
                }
            }
            case DimParenContext p -> dimExpr(p.dimExpr());
            case DimMulContext m -> new TypeExpr.DimBinary(span(m), m.op.getText().charAt(0), dimExpr(m.dimExpr(0)), dimExpr(m.dimExpr(1)));
            case DimAddContext a -> new TypeExpr.DimBinary(span(a), a.op.getText().charAt(0), dimExpr(a.dimExpr(0)), dimExpr(a.dimExpr(1)));
            default -> throw new IllegalStateException("unknown dim expression");
        };
    }
}
