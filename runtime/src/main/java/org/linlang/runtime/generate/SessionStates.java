package org.linlang.runtime.generate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.Program;

/**
 * What a model's decoding session carries from token to token, read from the declarations: the {@code state}
 * members of the model block and of every block its fields build, said in words ("KV caches", "recurrent
 * states", …) so that {@code lin generate}'s statistics line is true of every architecture.
 */
final class SessionStates {
    /** The standard library's state names and what they are; other names are shown as they are, last. */
    private static final Map<String, String> WORDS = Map.of(
            "S", "recurrent states",
            "cache", "conv caches",
            "keys", "KV caches", "values", "KV caches",
            "position", "positions");
    /** The order the words are said in, whatever order the blocks declare them in. */
    private static final List<String> ORDER = List.of("recurrent states", "conv caches", "KV caches", "positions");

    private SessionStates() {}

    /** E.g. "recurrent states, conv caches" for {@code model} of {@code module} ("std.arch.mamba2"); "no states" if it has none. */
    static String describe(String module, String model) {
        CheckResult checked = Frontend.check(new Source("<session states>", "import " + module + ".{" + model + "}\n"));
        if (!checked.ok()) throw new IllegalStateException("cannot check " + module + ": " + checked.diagnostics());
        Program program = checked.program();
        Map<String, Decl.Block> blocks = new HashMap<>();
        for (Module m : program.modules()) {
            for (Decl d : m.decls()) if (d instanceof Decl.Block b) blocks.putIfAbsent(b.name().name(), b);
        }
        Set<String> words = new LinkedHashSet<>();
        states(blocks.get(model), blocks, words, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        if (words.isEmpty()) return "no states";
        List<String> said = new ArrayList<>(words);
        said.sort(java.util.Comparator.comparingInt(w -> ORDER.contains(w) ? ORDER.indexOf(w) : ORDER.size()));
        return String.join(", ", said);
    }

    private static void states(Decl.Block block, Map<String, Decl.Block> blocks, Set<String> words, Set<Decl.Block> seen) {
        if (block == null || !seen.add(block)) return;
        for (Decl.Member m : block.members()) {
            if (m instanceof Decl.StateMember st) words.add(WORDS.getOrDefault(st.name().name(), "state " + st.name().name()));
        }
        for (Decl.Member m : block.members()) {
            if (!(m instanceof Decl.Field f)) continue;
            List<String> called = new ArrayList<>();
            callees(f.value(), called);
            for (String name : called) states(blocks.get(name), blocks, words, seen);
        }
    }

    /** The names an expression calls ({@code Linear(d, d)}, {@code for i in 0..n: Layer(i)}, {@code if … then A() else B()}). */
    private static void callees(Expr e, List<String> out) {
        if (e == null) return;
        switch (e) {
            case Expr.Call c -> {
                if (c.callee() instanceof Expr.Name n) out.add(n.ident().name());
                for (Expr.Arg a : c.args()) callees(a.value(), out);
            }
            case Expr.For f -> callees(f.body(), out);
            case Expr.If i -> {
                callees(i.then(), out);
                callees(i.otherwise(), out);
            }
            case Expr.ListLit l -> l.elements().forEach(x -> callees(x, out));
            case Expr.TupleLit t -> t.elements().forEach(x -> callees(x, out));
            default -> { }
        }
    }
}
