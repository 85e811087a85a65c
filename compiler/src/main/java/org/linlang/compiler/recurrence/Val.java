package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.linlang.compiler.ast.Expr;

/** The symbolic value of an expression of a step, as a function of the states. */
sealed interface Val {

    /** Independent of every state: an expression over the step's inputs (lets inlined). */
    record Free(Expr expr) implements Val {}

    /**
     * Linear in the states: {@code free + Σ terms}. {@code free} is the part that depends on no
     * state (null when there is none).
     */
    record Lin(Expr free, List<Term> terms) implements Val {
        public Lin {
            terms = List.copyOf(terms);
        }
    }

    /**
     * Not linear in the states; {@code why} names the offending expression and its position,
     * {@code states} the states it depends on.
     */
    record NonLin(Expr at, String why, Set<String> states) implements Val {
        public NonLin {
            states = Set.copyOf(new ArrayList<>(states));
        }
    }

    /** The states a value depends on, in the order their terms appear. */
    static Set<String> states(Val... vals) {
        var out = new LinkedHashSet<String>();
        for (Val v : vals) {
            if (v instanceof Lin l) for (Term t : l.terms) out.add(t.state());
            if (v instanceof NonLin n) out.addAll(n.states.stream().sorted().toList());
        }
        return out;
    }

    /** "the state S", "the states S and z". */
    static String statesPhrase(Set<String> states) {
        var names = new ArrayList<String>(states);
        if (names.isEmpty()) return "the state";
        if (names.size() == 1) return "the state " + names.getFirst();
        return "the states " + String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
    }
}
