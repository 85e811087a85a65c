package org.linlang.compiler.recurrence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;

/** The printer gives back Lin that parses to the same tree, with the fewest parentheses. */
class ExprPrinterTest {
    /** The expression of {@code fn f(...) = text}, in a program that checks. */
    static Expr parse(String text) {
        String src = "fn f(a: f32, b: f32, c: f32, x: [K], y: [K], m: [K, V], n: int, t: bool) = " + text + "\n";
        CheckResult r = Frontend.check(new Source("p.lin", src), Path.of("."));
        assertTrue(r.ok(), DiagnosticPrinter.render(r.diagnostics()));
        var fn = (Decl.Fn) r.program().main().decls().getFirst();
        return ((Stmt.Return) fn.body().getFirst()).value();
    }

    private static void roundTrip(String text) {
        assertEquals(text, ExprPrinter.print(parse(text)));
    }

    private static void prints(String text, String expected) {
        assertEquals(expected, ExprPrinter.print(parse(text)));
    }

    @Test
    void keepsNeededParentheses() {
        roundTrip("a * (b + c)");
        roundTrip("a - (b - c)");
        roundTrip("a - b - c");
        roundTrip("a / (b * c)");
        roundTrip("(a * x) @ m");
        roundTrip("(x @ m) * a");
        roundTrip("-(a + b)");
        roundTrip("a ** -0.5");
        roundTrip("(a ** b) ** c");
        roundTrip("a ** b ** c");
        roundTrip("outer(x, y) * 2.0");
        roundTrip("(x as [K, 1]) * m");
        roundTrip("if t then a else b + c");
        roundTrip("not a == b");
        roundTrip("sum(m, axis = V)");
        roundTrip("m[:, 0]");
    }

    @Test
    void dropsRedundantParentheses() {
        prints("((a)) * ((b))", "a * b");
        prints("(a * b) * c", "a * b * c");
        prints("(a + b) + c", "a + b + c");
        prints("((x) @ (m))", "x @ m");
    }

    @Test
    void printsFloatsAsLinWritesThem() {
        assertEquals("1.0", ExprPrinter.number(1));
        assertEquals("0.96875", ExprPrinter.number(0.96875));
        assertEquals("1.0e-6", ExprPrinter.number(1e-6));
        prints("1e-6 + a", "1.0e-6 + a");
    }
}
