package org.linlang.compiler.recurrence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;

/** Products in normal form: equal up to order, grouping and cancellation. */
class FactorsTest {
    private Ctx cx;

    /** Each text is the body of a function over scalars g, h, beta and vectors k, gk; returns their expressions. */
    private List<Expr> parse(String... texts) {
        var src = new StringBuilder();
        for (int i = 0; i < texts.length; i++) {
            src.append("fn f").append(i).append("(g: f32, h: f32, beta: f32, k: [K], gk: [K]) = ").append(texts[i]).append('\n');
        }
        CheckResult r = Frontend.check(new Source("p.lin", src.toString()), Path.of("."));
        assertTrue(r.ok(), DiagnosticPrinter.render(r.diagnostics()));
        cx = new Ctx(r.program());
        return r.program().main().decls().stream()
                .map(d -> ((Stmt.Return) ((Decl.Fn) d).body().getFirst()).value()).toList();
    }

    private Factors of(Expr e) { return Factors.of(e, cx); }

    @Test
    void orderAndGroupingDoNotMatter() {
        List<Expr> es = parse("beta * k", "k * beta", "(beta * exp(g)) * k", "beta * (k * exp(g))");
        assertTrue(of(es.get(0)).sameAs(of(es.get(1))));
        assertTrue(of(es.get(2)).sameAs(of(es.get(3))));
        assertFalse(of(es.get(0)).sameAs(of(es.get(2))));
    }

    @Test
    void quotientsCancel() {
        List<Expr> es = parse("(beta * exp(g)) / exp(g)", "beta", "-(2.0 * beta) / 2.0");
        assertTrue(of(es.get(0)).sameAs(of(es.get(1))));
        assertTrue(of(es.get(2)).sameAs(of(es.get(1)).negate()));
    }

    @Test
    void sumsAreComparedUpToOrder() {
        List<Expr> es = parse("1 - exp(gk)", "-exp(gk) + 1", "exp(gk) - 1");
        assertEquals(Factors.key(es.get(0), cx), Factors.key(es.get(1), cx));
        assertNotEquals(Factors.key(es.get(0), cx), Factors.key(es.get(2), cx));
    }

    @Test
    void splitsScalarsFromVectors() {
        Factors f = of(parse("beta * exp(g) * k * exp(gk)").getFirst());
        assertEquals("beta * exp(g)", ExprPrinter.print(f.scalarPart(cx).toExpr(cx, null)));
        assertEquals("k * exp(gk)", ExprPrinter.print(f.vectorPart(cx).toExpr(cx, null)));
    }

    @Test
    void containsNeedsTheSameSignOfPower() {
        List<Expr> es = parse("exp(g) * beta * k", "exp(g)", "beta / exp(g)");
        assertTrue(of(es.get(0)).contains(of(es.get(1))));
        assertFalse(of(es.get(2)).contains(of(es.get(1))));
    }

    @Test
    void printsProductsLiteralFirst() {
        Factors f = of(parse("exp(g) * 0.5 * exp(h)").getFirst());
        assertEquals("0.5 * exp(g) * exp(h)", ExprPrinter.print(f.toExpr(cx, null)));
        assertEquals("-beta", ExprPrinter.print(of(parse("-beta").getFirst()).toExpr(cx, null)));
        assertEquals("beta / exp(g)", ExprPrinter.print(of(parse("beta / exp(g)").getFirst()).toExpr(cx, null)));
    }
}
