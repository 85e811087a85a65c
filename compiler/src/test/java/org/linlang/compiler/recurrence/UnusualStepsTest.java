package org.linlang.compiler.recurrence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;

/**
 * Steps written in ways the goldens do not cover: the classifier must give a class with a reason
 * (never fail), and the class must be the expected one.
 */
class UnusualStepsTest {
    private static RecurrenceForm classify(String params, String body) {
        String src = "recurrence r(q: [K], k: [K], v: [V], g: f32, beta: f32, gk: [K], w: [V]" + params + ") -> [V]\n"
                + "    state S: [K, V] = 0\n{\n" + body.replace(";", "\n") + "\n}\n"
                + "fn twice(x: [K, V]) -> [K, V] = 2.0 * x\n";
        CheckResult r = Frontend.check(new Source("r.lin", src), Path.of("."));
        assertTrue(r.ok(), src + "\n" + DiagnosticPrinter.render(r.diagnostics()));
        RecurrenceForm f = RecurrenceClassifier.classify(r.program(), r.program().main()).getFirst();
        assertTrue(!f.reason().isBlank(), f.toString());
        return f;
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "diagonal  | S = S + outer(k, v) * exp(g); emit q @ S",
        "diagonal  | S = exp(g) * (S + outer(k, v)); emit q @ S",
        "diagonal  | S = S / 2.0 + outer(k, v); emit q @ S",
        "diagonal  | S = S - 0.5 * S + outer(k, v); emit q @ S",
        "diagonal  | S = S + outer(k, v) + outer(k, w); emit q @ S",
        "diagonal  | S = S + outer(k, v); emit (q @ S) * w",
        "diagonal  | S = S + outer(k, v); emit q @ (2.0 * S)",
        "diagonal  | S = S + outer(k, v); emit (q @ S + w) * 2.0",
        "diagonal  | S = S + outer(k, v); let s = S.shape; emit q @ S",
        "diagonal  | S = S + outer(k, v); print(q @ S); emit q @ S",
        "diagonal  | S = (S as f32) + outer(k, v); emit q @ S",
        "diagonal  | let (a, b) = (exp(g), outer(k, v)); S = a * S + b; emit q @ S",
        "diagonal  | S = where(true, 1.0, 0.0) * S + outer(k, v); emit q @ S",
        "delta     | S = S - outer(beta * k, k @ S) + outer(beta * k, v); emit q @ S",
        "delta     | S = S + beta * outer(k, v - k @ S); emit q @ S",
        "delta     | S = S + outer(k, (v - k @ S) * beta); emit q @ S",
        "delta     | S = exp(g) * S; S = S + outer(k, beta * (v - k @ S)); emit q @ S",
        "delta     | S = S + outer(k, beta * (v - S.T @ k)); emit q @ S",
        "delta     | S = S + outer(k, v * beta) - outer(k, beta * (k @ S)); emit q @ S",
        "general   | S = S + outer(k, beta * (v - k @ S)) + outer(q, v); emit q @ S",
        "general   | S = S + outer(exp(gk) * k, beta * (v - k @ S)); emit q @ S",
        "general   | S = twice(S) + outer(k, v); emit q @ S",
        "general   | S = S + outer(k, v); emit sum(S, axis = K, keepdims = false)",
        "general   | S = S + outer(k, v); emit w * (S[0] @ w)",
        "general   | S = cumsum(S, axis = V) + outer(k, v); emit q @ S",
        "nonlinear | S = where(S > 0.0, S, 0.5 * S) + outer(k, v); emit q @ S",
        "general   | S = S + outer(k, v); emit q @ (S @ outer(w, w))",
        "general   | S = S + outer(k, v); emit (outer(q, q) @ S)[0]",
        "general   | S = -S + outer(k, v); emit q @ S",
        "general   | let acc = g; for j in 0..2 { acc = acc + g }; S = exp(acc) * S + outer(k, v); emit q @ S",
        "diagonal  | let acc = g; for j in 0..2 { acc = acc + g }; S = exp(g) * S + outer(k, v); emit q @ S",
        "general   | S = S + outer(k, v) * (q @ S @ w); emit q @ S",
        "nonlinear | S = exp(S) + outer(k, v); emit q @ S",
        "nonlinear | S = S / (1.0 + sum(S)) + outer(k, v); emit q @ S",
        "nonlinear | S = S + outer(k, relu(v - k @ S)); emit q @ S",
        "nonlinear | S = S + outer(k, k @ S); S = S * S; emit q @ S",
        "nonlinear | S = S + outer(k, v); S = (q @ S) * S; emit q @ S",
    })
    void classifies(String expected, String body) {
        RecurrenceForm f = classify("", body);
        assertEquals(expected, f.kind().word(), f.toString());
    }

    @Test
    void twoWritesWithOneKeyMerge() {
        RecurrenceForm f = classify("", "S = S + outer(k, v) + outer(k, w); emit q @ S");
        assertEquals(1, f.state("S").writes().size(), f.toString());
        assertEquals("v + w", ExprPrinter.print(f.state("S").writes().getFirst().value()));
    }

    @Test
    void emitInsideAnIfIsGeneral() {
        // The checker allows one emit inside an if; the output is then not produced at every step.
        RecurrenceForm f = classify(", flag: bool", "S = S + outer(k, v); if flag { emit q @ S }");
        assertEquals("general", f.kind().word(), f.toString());
    }

    /**
     * The front end's own golden programs, valid and invalid: every recurrence of a program that
     * parsed gets a form, whatever it is (the classifier expects checked programs, but must not fail
     * on others).
     */
    @Test
    void frontEndGoldensClassifyWithoutFailing() throws IOException {
        int seen = 0;
        for (String kind : List.of("valid", "invalid")) {
            Path golden = RecurrenceGoldenTest.resources().resolve("golden").resolve(kind);
            if (!Files.isDirectory(golden)) continue;
            List<Path> files;
            try (Stream<Path> s = Files.list(golden)) {
                files = s.filter(p -> p.toString().endsWith(".lin")).sorted().toList();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            for (Path file : files) {
                CheckResult r = RecurrenceGoldenTest.checkProgram(file);
                if (r.program() == null) continue;
                for (RecurrenceForm f : RecurrenceClassifier.classifyAll(r.program())) {
                    assertTrue(!f.toString().isBlank());
                    seen++;
                }
            }
        }
        assertTrue(seen > 0, "no recurrence found in the front end's golden programs");
    }
}
