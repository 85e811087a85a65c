package org.linlang.compiler.recurrence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.recurrence.RecurrenceForm.Kind;
import org.linlang.compiler.recurrence.RecurrenceForm.StateForm;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.Program;

/** Every recurrence of the standard library's std.ops, classified where it is defined. */
class StdlibRecurrencesTest {
    private static final Map<String, Kind> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("linear_attn", Kind.DIAGONAL);
        EXPECTED.put("simple_gla", Kind.DIAGONAL);
        EXPECTED.put("gla", Kind.DIAGONAL);
        EXPECTED.put("delta_rule", Kind.DELTA);
        EXPECTED.put("gated_delta_rule", Kind.DELTA);
    }

    private static List<RecurrenceForm> stdOps() {
        CheckResult r = Frontend.check(new Source("main.lin", "import std.ops.*\n"), Path.of("."));
        assertTrue(r.ok(), DiagnosticPrinter.render(r.diagnostics()));
        Program p = r.program();
        Module ops = p.modules().stream().filter(m -> m.source().path().equals("std/ops.lin")).findFirst().orElseThrow();
        return RecurrenceClassifier.classify(p, ops);
    }

    private static RecurrenceForm form(String name) {
        return stdOps().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyStdOpsRecurrenceIsChunkable() {
        List<RecurrenceForm> forms = stdOps();
        assertTrue(forms.stream().map(RecurrenceForm::name).toList().containsAll(EXPECTED.keySet()),
                "std.ops lacks one of " + EXPECTED.keySet());
        for (RecurrenceForm f : forms) {
            Kind expected = EXPECTED.get(f.name());
            if (expected != null) assertEquals(expected, f.kind(), f.toString());
            else assertTrue(f.kind() == Kind.DIAGONAL || f.kind() == Kind.DELTA, "std.ops recurrence is not chunkable:\n" + f);
            assertTrue(f.output().afterUpdate(), f.name() + " should emit after its update");
            assertEquals("scale * q", ExprPrinter.print(f.output().query()), f.name());
        }
    }

    @Test
    void gatedDeltaRulePieces() {
        RecurrenceForm f = form("gated_delta_rule");
        StateForm s = f.state("S");
        assertEquals(Kind.DELTA, s.kind());
        assertEquals("g", ExprPrinter.print(s.decay().logDecay()));
        assertEquals("exp(g)", ExprPrinter.print(s.decay().factor()));
        assertFalse(s.decay().perChannel());
        assertEquals(RecurrenceForm.Space.LOG, s.decay().space());
        assertEquals(RecurrenceForm.Order.BEFORE, s.order());
        assertEquals("k", ExprPrinter.print(s.delta().key()));
        assertEquals("beta", ExprPrinter.print(s.delta().beta()));
        assertEquals("v", ExprPrinter.print(s.delta().value()));
        assertEquals(RecurrenceForm.Phase.AFTER_UPDATE, f.output().readouts().getFirst().phase());
        assertEquals("S", f.output().readouts().getFirst().state());
    }

    @Test
    void deltaRuleHasNoDecay() {
        StateForm s = form("delta_rule").state("S");
        assertNull(s.decay());
        assertNull(s.order());
        assertEquals("beta", ExprPrinter.print(s.delta().beta()));
    }

    @Test
    void glaDecaysPerKeyChannel() {
        StateForm s = form("gla").state("S");
        assertEquals(Kind.DIAGONAL, s.kind());
        assertTrue(s.decay().perChannel());
        assertEquals("gk", ExprPrinter.print(s.decay().logDecay()));
        assertNull(s.delta());
        assertEquals(1, s.writes().size());
        assertEquals("k", ExprPrinter.print(s.writes().getFirst().key()));
        assertEquals("v", ExprPrinter.print(s.writes().getFirst().value()));
    }

    @Test
    void linearAttentionHasIdentityTransition() {
        RecurrenceForm f = form("linear_attn");
        assertNull(f.state("S").decay());
        assertNotNull(f.output().query());
        assertTrue(f.reason().contains("A_t = I"), f.reason());
    }
}
