package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the interpreter knows of a {@code block} or {@code model}: the layout of its instances (the
 * parameters, then the members in declaration order, one slot each), its constructor and its methods.
 * The block's name in Lin code is its constructor, a {@link LinFunction}.
 */
public final class LinBlockClass {
    /** What a slot holds. */
    public enum SlotKind {
        PARAM, INT_PARAM, TENSOR_PARAM, FIELD,
        /** A {@code state} member: per-session memory, empty (null) until a method assigns it. */
        STATE
    }

    private final String name;
    private final boolean isModel;
    private final String[] slotNames;
    private final SlotKind[] slotKinds;
    private final Map<String, Integer> slotIndex = new HashMap<>();
    private final Map<String, LinFunction> methods = new LinkedHashMap<>();
    private final Map<String, LinFunction> weightMethods = new LinkedHashMap<>();
    private LinFunction constructor;
    private LinFunction forward;

    public LinBlockClass(String name, boolean isModel, List<String> slotNames, List<SlotKind> slotKinds) {
        this.name = name;
        this.isModel = isModel;
        this.slotNames = slotNames.toArray(String[]::new);
        this.slotKinds = slotKinds.toArray(SlotKind[]::new);
        for (int i = 0; i < this.slotNames.length; i++) slotIndex.putIfAbsent(this.slotNames[i], i);
    }

    public String name() { return name; }

    public String kindWord() { return isModel ? "model" : "block"; }

    public int slotCount() { return slotNames.length; }

    public String slotName(int i) { return slotNames[i]; }

    public SlotKind slotKind(int i) { return slotKinds[i]; }

    /** The slot of a parameter or member, or -1. */
    @TruffleBoundary
    public int slot(String member) { return slotIndex.getOrDefault(member, -1); }

    public LinFunction constructor() { return constructor; }

    public void setConstructor(LinFunction f) { this.constructor = f; }

    @TruffleBoundary
    public LinFunction method(String method) { return methods.get(method); }

    @TruffleBoundary
    public void addMethod(LinFunction f) {
        methods.put(f.name(), f);
        if (f.name().equals("forward")) forward = f;
    }

    @TruffleBoundary
    public List<String> methodNames() { return new java.util.ArrayList<>(methods.keySet()); }

    /** {@code load} and {@code save}, which every block has unless it defines a method of that name. */
    @TruffleBoundary
    public LinFunction weightMethod(String method) { return weightMethods.get(method); }

    @TruffleBoundary
    public void addWeightMethod(LinFunction f) { weightMethods.put(f.name(), f); }

    /** The checked program and declaration this class came from, for engines that compile its calls; null in a REPL input. */
    public record Definition(org.linlang.compiler.types.Program program, org.linlang.compiler.ast.Decl.Block decl) {}

    private Definition definition;

    public Definition definition() { return definition; }

    public void setDefinition(Definition d) { this.definition = d; }

    /** The forward method, or null. */
    public LinFunction forward() { return forward; }

    /** Whether instances have a {@code state} member of their own. */
    public boolean hasStates() {
        for (SlotKind k : slotKinds) if (k == SlotKind.STATE) return true;
        return false;
    }

    @TruffleBoundary
    public List<String> memberNames() {
        var out = new java.util.ArrayList<String>();
        for (int i = 0; i < slotNames.length; i++) if (slotKinds[i] == SlotKind.TENSOR_PARAM || slotKinds[i] == SlotKind.FIELD) out.add(slotNames[i]);
        out.addAll(methods.keySet());
        return out;
    }

    @Override public String toString() { return "<" + kindWord() + " " + name + ">"; }
}
