package org.linlang.compiler.types;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.diag.Severity;
import org.linlang.compiler.source.Span;

/**
 * The "uses" graph between definitions. Lin has no recursion: a model must unfold into a finite
 * graph of kernels, so every cycle (a function calling itself, blocks containing each other) is an error.
 */
final class Cycles {
    private record Edge(Decl to, Span at) {}

    private final Map<Decl, List<Edge>> edges = new LinkedHashMap<>();

    void edge(Decl from, Decl to, Span at) {
        var list = edges.computeIfAbsent(from, k -> new ArrayList<>());
        for (Edge e : list) if (e.to == to) return;
        list.add(new Edge(to, at));
    }

    /** Reports each strongly connected component with a cycle once (Tarjan's algorithm). */
    void report(Diagnostics diags) {
        Map<Decl, Integer> index = new IdentityHashMap<>();
        Map<Decl, Integer> low = new IdentityHashMap<>();
        Deque<Decl> stack = new ArrayDeque<>();
        Map<Decl, Boolean> onStack = new IdentityHashMap<>();
        int[] counter = {0};
        for (Decl d : new ArrayList<>(edges.keySet())) {
            if (!index.containsKey(d)) strongConnect(d, index, low, stack, onStack, counter, diags);
        }
    }

    private void strongConnect(Decl v, Map<Decl, Integer> index, Map<Decl, Integer> low, Deque<Decl> stack,
                               Map<Decl, Boolean> onStack, int[] counter, Diagnostics diags) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.put(v, true);
        for (Edge e : edges.getOrDefault(v, List.of())) {
            if (!index.containsKey(e.to)) {
                strongConnect(e.to, index, low, stack, onStack, counter, diags);
                low.put(v, Math.min(low.get(v), low.get(e.to)));
            } else if (onStack.getOrDefault(e.to, false)) {
                low.put(v, Math.min(low.get(v), index.get(e.to)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            var component = new ArrayList<Decl>();
            Decl w;
            do {
                w = stack.pop();
                onStack.put(w, false);
                component.add(w);
            } while (w != v);
            boolean selfLoop = edges.getOrDefault(v, List.of()).stream().anyMatch(e -> e.to == v);
            if (component.size() > 1 || selfLoop) reportCycle(component, diags);
        }
    }

    private void reportCycle(List<Decl> component, Diagnostics diags) {
        component.sort((a, b) -> a.span().source().path().equals(b.span().source().path())
                ? Integer.compare(a.span().start(), b.span().start()) : a.span().source().path().compareTo(b.span().source().path()));
        Decl first = component.getFirst();
        // Walk the cycle from the first definition, following edges that stay in the component.
        var path = new ArrayList<Decl>();
        var notes = new ArrayList<Diagnostic.Note>();
        Decl at = first;
        do {
            path.add(at);
            Edge next = null;
            for (Edge e : edges.getOrDefault(at, List.of())) {
                if (component.contains(e.to) && (!path.contains(e.to) || e.to == first)) { next = e; break; }
            }
            if (next == null) break;
            notes.add(new Diagnostic.Note(next.at, "'" + at.name() + "' uses '" + next.to.name() + "' here"));
            at = next.to;
        } while (at != first);
        var names = new ArrayList<String>();
        for (Decl d : path) names.add(d.name().name());
        names.add(first.name().name());
        String message = path.size() == 1
                ? "'" + first.name() + "' refers to itself; Lin definitions cannot be recursive"
                : "definitions refer to each other in a cycle: " + String.join(" -> ", names);
        diags.add(new Diagnostic(Severity.ERROR, Code.E015, first.name().span(), message, notes));
    }
}
