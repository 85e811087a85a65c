package org.linlang.compiler;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.diag.DiagnosticJson;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.ProgramSummary;
import org.linlang.grammar.LinLexer;

/**
 * Mutates the golden programs token by token (delete, swap, duplicate, insert a token of the
 * vocabulary, truncate) with a fixed seed, and checks that the front end always ends in diagnostics
 * or success: never an uncaught exception, never an internal error (E099), never a hang.
 */
class FuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", 0x4C494EL); // "LIN"; other seeds explore further
    static final int MUTANTS = Integer.getInteger("fuzz.mutants", 10_000);
    static final long LIMIT_MS = 2_000;
    static final int MAX_REPORTED = 10;

    /** Samples for the token types that have no fixed spelling. */
    private static final String[] NAMES = {"x", "B", "T", "d", "heads", "forward", "S", "sum", "Linear", "zeros", "f32", "int"};
    private static final String[] NUMBERS = {"0", "1", "4", "-1", "2.5", "1e-6", "999999999999999999999", "1_000"};
    private static final String[] STRINGS = {"\"s\"", "\"\"", "\"a\\n\"", "\"unclosed", "/* open comment", "\u00a7", "$"};

    record Mutant(String origin, String name, String text, String operation) {}

    @Test
    void mutantsEndInDiagnosticsOrSuccess() throws IOException, InterruptedException {
        List<Path> programs = new ArrayList<>(TestPaths.golden("valid"));
        programs.addAll(TestPaths.golden("invalid"));
        List<String> texts = new ArrayList<>();
        for (Path p : programs) texts.add(Files.readString(p, StandardCharsets.UTF_8));
        List<String> vocabulary = vocabulary();

        var random = new SplittableRandom(SEED);
        ExecutorService executor = newExecutor();
        List<String> failures = new ArrayList<>();
        int failureCount = 0;
        long started = System.nanoTime();
        try {
            for (int n = 0; n < MUTANTS; n++) {
                int which = n % programs.size();
                Mutant m = mutate(TestPaths.relativeName(programs.get(which)), texts.get(which), vocabulary, random);
                Future<String> future = executor.submit(() -> run(m));
                String problem;
                try {
                    problem = future.get(LIMIT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    executor.shutdownNow();
                    executor = newExecutor(); // the stuck thread is a daemon; carry on with a fresh one
                    problem = "did not finish within " + LIMIT_MS + " ms";
                } catch (ExecutionException e) {
                    problem = "uncaught " + stackTrace(e.getCause());
                }
                if (problem != null) {
                    failureCount++;
                    if (failures.size() < MAX_REPORTED) {
                        failures.add("mutant #" + n + " of " + m.origin() + " (" + m.operation() + "): " + problem
                                + "\n---- mutant text ----\n" + m.text() + "\n---------------------");
                    }
                }
            }
        } finally {
            executor.shutdownNow();
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.println("fuzz: " + MUTANTS + " mutants of " + programs.size() + " golden programs in " + ms + " ms, "
                + failureCount + " failures");
        if (failureCount > 0) {
            fail(failureCount + " of " + MUTANTS + " mutants broke the front end; the first " + failures.size() + ":\n\n"
                    + String.join("\n\n", failures));
        }
    }

    /** Null when the front end behaved, else what went wrong. */
    private static String run(Mutant m) {
        CheckResult result = Frontend.check(new Source(m.name(), m.text()), TestPaths.resources());
        if (result.diagnostics().stream().anyMatch(d -> d.code() == Code.E099)) {
            return "internal error:\n" + DiagnosticPrinter.render(result.diagnostics());
        }
        if (!result.ok() && result.diagnostics().isEmpty()) return "failed without a diagnostic";
        // Everything a user would see must render too.
        DiagnosticPrinter.render(result.diagnostics());
        DiagnosticJson.render(result.diagnostics());
        if (result.ok()) ProgramSummary.render(result.program());
        return null;
    }

    // ---- mutation --------------------------------------------------------------------------------------

    /** One to three token mutations, or a truncation. */
    static Mutant mutate(String origin, String text, List<String> vocabulary, SplittableRandom random) {
        List<String> tokens = lex(text);
        List<Integer> visible = new ArrayList<>();
        var ops = new ArrayList<String>();
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            visible.clear();
            for (int i = 0; i < tokens.size(); i++) if (!tokens.get(i).isBlank()) visible.add(i);
            if (visible.isEmpty()) break;
            int at = visible.get(random.nextInt(visible.size()));
            switch (random.nextInt(6)) {
                case 0 -> { ops.add("delete '" + tokens.get(at) + "'"); tokens.remove(at); }
                case 1 -> {
                    int other = visible.get(random.nextInt(visible.size()));
                    ops.add("swap '" + tokens.get(at) + "' and '" + tokens.get(other) + "'");
                    String t = tokens.get(at);
                    tokens.set(at, tokens.get(other));
                    tokens.set(other, t);
                }
                case 2 -> {
                    int next = visible.indexOf(at) + 1 < visible.size() ? visible.get(visible.indexOf(at) + 1) : at;
                    ops.add("swap neighbours '" + tokens.get(at) + "' '" + tokens.get(next) + "'");
                    String t = tokens.get(at);
                    tokens.set(at, tokens.get(next));
                    tokens.set(next, t);
                }
                case 3 -> { ops.add("duplicate '" + tokens.get(at) + "'"); tokens.add(at, tokens.get(at) + " "); }
                case 4 -> {
                    String t = vocabulary.get(random.nextInt(vocabulary.size()));
                    ops.add("insert '" + t + "'");
                    tokens.add(at, " " + t + " ");
                }
                default -> {
                    ops.add("truncate tokens at " + at);
                    tokens.subList(at, tokens.size()).clear();
                    r = rounds;
                }
            }
        }
        String mutated = String.join("", tokens);
        if (random.nextInt(20) == 0 && !mutated.isEmpty()) {
            int cut = random.nextInt(mutated.length());
            ops.add("truncate text at " + cut);
            mutated = mutated.substring(0, cut);
        }
        return new Mutant(origin, origin, mutated, String.join(", ", ops));
    }

    /** Every token's text, hidden ones (spaces, comments) included, so joining them gives the text back. */
    static List<String> lex(String text) {
        var lexer = new LinLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        var out = new ArrayList<String>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) out.add(t.getText());
        return out;
    }

    /** The spelling of every fixed token of the grammar, plus samples of names, numbers and strings. */
    static List<String> vocabulary() {
        Vocabulary v = LinLexer.VOCABULARY;
        var out = new ArrayList<String>();
        for (int type = 1; type <= v.getMaxTokenType(); type++) {
            String literal = v.getLiteralName(type);
            if (literal != null) out.add(literal.substring(1, literal.length() - 1));
        }
        out.addAll(List.of(NAMES));
        out.addAll(List.of(NUMBERS));
        out.addAll(List.of(STRINGS));
        return out;
    }

    private static ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-check");
            t.setDaemon(true);
            return t;
        });
    }

    private static String stackTrace(Throwable t) {
        var w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
