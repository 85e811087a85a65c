package org.linlang.compiler.ir;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Program;
import org.linlang.compiler.types.Sym;

/**
 * What to compile: a model or block with its int parameters ({@code TinyHybrid(layers = 4)}) and
 * the entry ({@code forward}: prefill over T tokens; {@code step}: one decoding step with states,
 * derived from {@code forward}), or a function or recurrence of the program with the sizes of its
 * dimensions. B and T stay symbolic; other dimensions not given stay symbolic too.
 *
 * <p>Written {@code Name}, {@code Name.forward}, {@code Name.step} or {@code Name.method}.
 */
public final class EntryPoint {
    private final Decl decl;
    private final String method;
    private final Graph.Mode mode;
    private final Map<String, Long> args;
    private final Map<String, Object> hostArgs = new LinkedHashMap<>();
    private final Map<String, String> inputElementTypes = new LinkedHashMap<>();
    private final Map<String, Integer> inputRanks = new LinkedHashMap<>();
    private CallSizes callSizes;
    private final Map<String, Sym> symbols = new HashMap<>();

    /**
     * The sizes of the call an engine compiles the entry for, bound from the call's tensors: given the
     * inputs and states lowered so far, the value of each symbol they bind ({@code T = 12}, {@code P = 8}).
     */
    @FunctionalInterface
    public interface CallSizes {
        Map<String, Long> of(java.util.List<Node> sources);
    }

    private EntryPoint(Decl decl, String method, Graph.Mode mode, Map<String, Long> args) {
        this.decl = decl;
        this.method = method;
        this.mode = mode;
        this.args = new LinkedHashMap<>(args);
    }

    /**
     * The same entry with values for a block's parameters that are not ints ({@code eps = 1e-5}:
     * a Double, Boolean or String), as an engine that compiles one instance's call knows them.
     */
    public EntryPoint withHostArgs(Map<String, Object> values) {
        EntryPoint e = copy();
        e.hostArgs.putAll(values);
        return e;
    }

    private EntryPoint copy() {
        EntryPoint e = new EntryPoint(decl, method, mode, args);
        e.hostArgs.putAll(hostArgs);
        e.inputElementTypes.putAll(inputElementTypes);
        e.inputRanks.putAll(inputRanks);
        e.callSizes = callSizes;
        return e;
    }

    /**
     * The same entry with the ranks of the tensors an engine will pass, for parameters typed
     * {@code [.., d]}: {@code ..} stands for as many leading dimensions as the rank leaves (a
     * {@code Linear} on {@code [N, d]}: one), named B, T, then {@code ..2}, {@code ..3}, …; without a
     * rank it is {@code [B, T]}.
     */
    public EntryPoint withInputRanks(Map<String, Integer> ranks) {
        EntryPoint e = copy();
        e.inputRanks.putAll(ranks);
        return e;
    }

    /** The rank given for a parameter's tensor ({@link #withInputRanks}), or null. */
    public Integer inputRank(String param) { return inputRanks.get(param); }

    /**
     * The same entry compiled for one call's sizes: a comparison of symbolic sizes that decides a
     * shape ({@code P + T > window - 1}) is decided for them and kept as a {@link SizeGuard} of the
     * graph. Without them such a comparison cannot be compiled.
     */
    public EntryPoint withCallSizes(CallSizes sizes) {
        EntryPoint e = copy();
        e.callSizes = sizes;
        return e;
    }

    /** The call's sizes ({@link #withCallSizes}), or null. */
    public CallSizes callSizes() { return callSizes; }

    /**
     * The same entry with the element types of the tensors an engine will pass ({@code ids = "i64"}),
     * for parameters whose type leaves the element type open ({@code ids: [B, T]}); others are f32.
     */
    public EntryPoint withInputElementTypes(Map<String, String> types) {
        EntryPoint e = copy();
        e.inputElementTypes.putAll(types);
        return e;
    }

    /** The element type given for an open parameter's tensor ({@link #withInputElementTypes}), or null. */
    public String inputElementType(String param) { return inputElementTypes.get(param); }

    /** Values of non-int parameters of the entry block (see {@link #withHostArgs}). */
    public Map<String, Object> hostArgs() { return hostArgs; }

    /** Finds the named definition (the entry module's first, then imported modules'). */
    public static EntryPoint resolve(Program program, String entry, Map<String, Long> args) {
        String name = entry;
        String method = null;
        int dot = entry.indexOf('.');
        if (dot >= 0) {
            name = entry.substring(0, dot);
            method = entry.substring(dot + 1);
        }
        Decl found = null;
        for (Module m : program.modules()) {
            for (Decl d : m.decls()) {
                if (d.name().name().equals(name)) {
                    found = d;
                    break;
                }
            }
            if (found != null) break;
        }
        if (found == null) throw new IrException("no definition '" + name + "' to compile");
        Graph.Mode mode = "step".equals(method) ? Graph.Mode.STEP : Graph.Mode.FORWARD;
        if (found instanceof Decl.Block b) {
            String m = method == null || method.equals("step") ? "forward" : method;
            boolean has = b.members().stream().anyMatch(x -> x instanceof Decl.Method mm && mm.name().name().equals(m));
            if (!has) throw new IrException(b.kindWord() + " " + name + " has no method " + m);
            return new EntryPoint(found, m, mode, args);
        }
        if (method != null && !method.equals("step") && !method.equals("forward")) {
            throw new IrException(name + " is not a block: write " + name + " or " + name + ".step");
        }
        return new EntryPoint(found, null, mode, args);
    }

    public Decl decl() { return decl; }

    /** The block method compiled ({@code forward} for both entries of a model), or null for a function or recurrence. */
    public String method() { return method; }

    public Graph.Mode mode() { return mode; }

    /** Int parameters and dimension sizes given by the caller (B and T only size the byte reports). */
    public Map<String, Long> args() { return args; }

    /** The symbolic dimension of this name, one per entry ({@code B}, {@code T}, and any size not given). */
    public Sym symbol(String name) { return symbols.computeIfAbsent(name, n -> new Sym(n, null, false)); }

    /** A dimension by name: its given value, or its symbol. B and T are always symbols. */
    public Dim dimension(String name) {
        if (!name.equals("B") && !name.equals("T") && args.containsKey(name)) return Dim.of(args.get(name));
        return Dim.of(symbol(name));
    }

    /** The values used to report bytes: B and T as given, else B = 1 and T = 2048 (T = 1 in step). */
    public Map<String, Long> reportSizes() {
        var s = new LinkedHashMap<String, Long>();
        s.put("B", args.getOrDefault("B", 1L));
        if (mode == Graph.Mode.FORWARD) s.put("T", args.getOrDefault("T", 2048L));
        args.forEach((k, v) -> s.putIfAbsent(k, v));
        return s;
    }

    /** {@code TinyHybrid(layers=4).forward}, {@code l2norm(D=64)}, {@code TinyHybrid(layers=4).step}. */
    public String title() {
        var mentioned = mentioned();
        String given = args.entrySet().stream().filter(e -> mentioned.contains(e.getKey()))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        String head = decl.name().name() + (given.isEmpty() ? "" : "(" + given + ")");
        if (decl instanceof Decl.Block) return head + "." + (mode == Graph.Mode.STEP ? "step" : method);
        return mode == Graph.Mode.STEP ? head + ".step" : head;
    }

    @Override public String toString() { return title(); }

    /** The names of the definition's signature an argument can give: parameters, and dimensions of a function or recurrence. */
    private Set<String> mentioned() {
        var out = new java.util.LinkedHashSet<String>();
        for (Param p : decl.params()) {
            out.add(p.name().name());
            if (!(decl instanceof Decl.Block)) dims(p.type(), out);
        }
        if (decl instanceof Decl.Recurrence r) {
            out.add("H");
            for (Decl.State st : r.states()) dims(st.type(), out);
        }
        out.remove("B");
        out.remove("T");
        return out;
    }

    private static void dims(TypeExpr t, Set<String> out) {
        if (t instanceof TypeExpr.Tensor te) for (var d : te.dims()) dim(d, out);
        if (t instanceof TypeExpr.Tuple tu) for (var p : tu.parts()) dims(p, out);
    }

    private static void dim(TypeExpr.DimExpr d, Set<String> out) {
        switch (d) {
            case TypeExpr.DimName n -> out.add(n.name().name());
            case TypeExpr.DimBinary b -> {
                dim(b.left(), out);
                dim(b.right(), out);
            }
            default -> { }
        }
    }
}
