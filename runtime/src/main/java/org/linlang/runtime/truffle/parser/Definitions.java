package org.linlang.runtime.truffle.parser;

import com.oracle.truffle.api.frame.FrameSlotKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.ast.Import;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.source.Span;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinRootNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.nodes.blocks.LinBindMethodNode;
import org.linlang.runtime.truffle.nodes.blocks.LinFinishInstanceNode;
import org.linlang.runtime.truffle.nodes.blocks.LinMethodCallNode;
import org.linlang.runtime.truffle.nodes.blocks.LinNewInstanceNode;
import org.linlang.runtime.truffle.nodes.blocks.LinReadStateNode;
import org.linlang.runtime.truffle.nodes.blocks.LinStateOrMissingNode;
import org.linlang.runtime.truffle.nodes.blocks.LinWriteStateNode;
import org.linlang.runtime.truffle.nodes.blocks.LinReadFieldNode;
import org.linlang.runtime.truffle.nodes.blocks.LinSetFieldNode;
import org.linlang.runtime.truffle.nodes.blocks.LinTensorParamNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinBlockNode;
import org.linlang.runtime.truffle.nodes.expression.LinConstantNode;
import org.linlang.runtime.truffle.nodes.expression.LinErrorNode;
import org.linlang.runtime.truffle.nodes.expression.LinOrDefaultNode;
import org.linlang.runtime.truffle.nodes.local.LinBindDimsNode;
import org.linlang.runtime.truffle.nodes.local.LinReadArgumentNode;
import org.linlang.runtime.truffle.nodes.local.LinReadLocalNodeGen;
import org.linlang.runtime.truffle.nodes.local.LinWriteLocalNodeGen;
import org.linlang.runtime.truffle.nodes.recurrence.LinEmitNode;
import org.linlang.runtime.truffle.nodes.recurrence.LinRecurrenceNode;
import org.linlang.runtime.truffle.nodes.recurrence.LinToStateNode;
import org.linlang.runtime.truffle.nodes.recurrence.RecurrenceSignature;
import org.linlang.runtime.truffle.ops.ShapeSpec;
import org.linlang.runtime.truffle.values.LinBlockClass;
import org.linlang.runtime.truffle.values.LinFunction;
import org.linlang.runtime.truffle.values.LinModuleValue;

/**
 * The part of a module's translation that concerns recurrences, blocks, imports and the shapes of
 * signatures. {@link LinTranslator} translates expressions and statements and asks this class about
 * names it does not bind itself.
 *
 * <ul>
 *   <li>A recurrence is a function whose call target runs its step over every batch element, head and
 *       time step ({@link LinRecurrenceNode}); it takes {@code initial_state} and
 *       {@code output_final_state} after its own parameters.
 *   <li>A block is a {@link LinBlockClass}: its name is its constructor; its methods take the instance
 *       as argument 0. Inside the constructor the parameters are locals and the members slots of the
 *       instance being built; inside methods both are slots of the instance.
 *   <li>Parameters with tensor types get a prologue that checks the arguments' shapes and binds the
 *       signature's dimension names as int locals ({@link LinBindDimsNode}).
 * </ul>
 */
final class Definitions {
    private final LinTranslator t;
    private final ModuleUnits units;
    /** Recurrences and blocks of this module, by name: functions (a block's is its constructor). */
    final Map<String, LinFunction> values = new HashMap<>();
    final Map<String, LinBlockClass> classes = new HashMap<>();
    /** Names bound by this module's imports. */
    final Map<String, Object> imported = new LinkedHashMap<>();

    /** The block whose constructor or method is being translated. */
    private BlockScope block;
    /** The recurrence whose step is being translated. */
    private RecurrenceScope recurrence;

    private static final class BlockScope {
        final LinBlockClass cls;
        final Decl.Block decl;
        int selfSlot = -1;
        /** Translating a method (not the constructor): the block's states are readable and assignable. */
        boolean inMethod;
        /** The method's names of state dimensions its signature does not bind (a cache's length P). */
        final java.util.Set<String> stateFree = new java.util.HashSet<>();

        BlockScope(LinBlockClass cls, Decl.Block decl) {
            this.cls = cls;
            this.decl = decl;
        }

        Decl.StateMember state(String name) {
            for (Decl.Member m : decl.members()) if (m instanceof Decl.StateMember st && st.name().name().equals(name)) return st;
            return null;
        }
    }

    private static final class RecurrenceScope {
        int emitSlot;
        final Map<Integer, String> states = new HashMap<>();
    }

    Definitions(LinTranslator translator, ModuleUnits units) {
        this.t = translator;
        this.units = units;
    }

    // ---- declaring ------------------------------------------------------------------------------------

    /** Makes the values of this module's recurrences and blocks (their bodies come later) and binds the imports. */
    void declare(Module module, Map<String, Decl> decls) {
        for (Decl d : decls.values()) {
            switch (d) {
                case Decl.Recurrence r -> {
                    List<String> names = new ArrayList<>();
                    List<Boolean> defaults = new ArrayList<>();
                    for (Param p : r.params()) {
                        names.add(p.name().name());
                        defaults.add(p.defaultValue() != null);
                    }
                    names.add("initial_state");
                    names.add("output_final_state");
                    defaults.add(true);
                    defaults.add(true);
                    boolean[] hasDefault = new boolean[defaults.size()];
                    for (int i = 0; i < hasDefault.length; i++) hasDefault[i] = defaults.get(i);
                    values.put(r.name().name(), LinFunction.user(r.name().name(), names.toArray(String[]::new), hasDefault));
                }
                case Decl.Block b -> declareBlock(b);
                case Decl.Fn f -> { }
            }
        }
        if (units == null) return;
        for (Import imp : module.imports()) {
            Module target = units.moduleOf(imp, module);
            if (target == null) continue; // the checker reported it
            LinTranslator unit = units.unit(target);
            Map<String, Object> own = unit.ownValues();
            if (imp.star()) {
                own.forEach((k, v) -> {
                    imported.put(k, v);
                    t.noteImported(k, imp.dottedPath());
                });
            } else if (imp.items() != null) {
                for (Import.Item item : imp.items()) {
                    Object v = own.get(item.name().name());
                    if (v != null) imported.put(item.boundName().name(), v);
                }
            } else {
                imported.put(imp.path().getLast().name(), new LinModuleValue(imp.dottedPath(), own));
            }
        }
    }

    private void declareBlock(Decl.Block b) {
        List<String> slots = new ArrayList<>();
        List<LinBlockClass.SlotKind> kinds = new ArrayList<>();
        for (Param p : b.params()) {
            slots.add(p.name().name());
            kinds.add(isNamed(p.type(), "int") ? LinBlockClass.SlotKind.INT_PARAM : LinBlockClass.SlotKind.PARAM);
        }
        for (Decl.Member m : b.members()) {
            switch (m) {
                case Decl.TensorParam tp -> {
                    slots.add(tp.name().name());
                    kinds.add(LinBlockClass.SlotKind.TENSOR_PARAM);
                }
                case Decl.Field f -> {
                    slots.add(f.name().name());
                    kinds.add(LinBlockClass.SlotKind.FIELD);
                }
                case Decl.StateMember st -> {
                    slots.add(st.name().name());
                    kinds.add(LinBlockClass.SlotKind.STATE);
                }
                case Decl.Method method -> { }
            }
        }
        LinBlockClass cls = new LinBlockClass(b.name().name(), b.isModel(), slots, kinds);
        cls.setConstructor(user(b.name().name(), b.params()));
        for (Decl.Member m : b.members()) {
            if (m instanceof Decl.Method method) cls.addMethod(user(method.name().name(), method.params()));
        }
        if (units != null) {
            cls.addWeightMethod(units.loadFunction());
            cls.addWeightMethod(units.saveFunction());
            cls.addWeightMethod(units.sessionFunction());
            cls.addWeightMethod(units.resetFunction());
            if (b.isModel()) cls.addWeightMethod(units.generateFunction());
        }
        if (units != null && units.program() != null) cls.setDefinition(new LinBlockClass.Definition(units.program(), b));
        classes.put(b.name().name(), cls);
        values.put(b.name().name(), cls.constructor());
    }

    private static LinFunction user(String name, List<Param> params) {
        String[] names = params.stream().map(p -> p.name().name()).toArray(String[]::new);
        boolean[] defaults = new boolean[names.length];
        for (int i = 0; i < names.length; i++) defaults[i] = params.get(i).defaultValue() != null;
        return LinFunction.user(name, names, defaults);
    }

    static boolean isNamed(TypeExpr type, String name) {
        return type instanceof TypeExpr.Named n && n.name().name().equals(name);
    }

    // ---- bodies ---------------------------------------------------------------------------------------

    /** Translates the bodies of this module's recurrences and blocks. */
    void translateBodies(Map<String, Decl> decls) {
        for (Decl d : decls.values()) {
            switch (d) {
                case Decl.Recurrence r -> values.get(r.name().name()).setCallTarget(recurrenceRoot(r).getCallTarget());
                case Decl.Block b -> translateBlock(b);
                case Decl.Fn f -> { }
            }
        }
    }

    private void translateBlock(Decl.Block b) {
        LinBlockClass cls = classes.get(b.name().name());
        BlockScope saved = block;
        block = new BlockScope(cls, b);
        try {
            Decl.Fn ctor = new Decl.Fn(b.span(), b.doc(), b.name(), b.params(), null, List.of());
            cls.constructor().setCallTarget(t.function(ctor, 0, statements -> {
                block.selfSlot = t.hiddenSlot("self");
                statements.add(LinWriteLocalNodeGen.create(block.selfSlot, new LinNewInstanceNode(cls)).at(b.name().span()));
            }, statements -> constructorBody(b, cls, statements)).getCallTarget());
            for (Decl.Member m : b.members()) {
                if (!(m instanceof Decl.Method method)) continue;
                Ident qualified = new Ident(b.name().name() + "." + method.name().name(), method.name().span());
                Decl.Fn fn = new Decl.Fn(method.span(), method.doc(), qualified, method.params(), method.result(), method.body());
                cls.method(method.name().name()).setCallTarget(t.function(fn, 1, statements -> {
                    block.selfSlot = t.hiddenSlot("self");
                    block.inMethod = true;
                    block.stateFree.clear();
                    statements.add(LinWriteLocalNodeGen.create(block.selfSlot, new LinReadArgumentNode(0, null)).at(method.name().span()));
                }, null, body -> new LinMethodCallNode(body).at(method.name().span())).getCallTarget());
            }
        } finally {
            block = saved;
        }
    }

    private LinExpressionNode self() {
        return LinReadLocalNodeGen.create(block.selfSlot);
    }

    private LinExpressionNode constructorBody(Decl.Block b, LinBlockClass cls, List<LinStatementNode> statements) {
        for (Param p : b.params()) {
            LinExpressionNode value = t.expr(new Expr.Name(p.name()));
            statements.add(new LinSetFieldNode(self(), cls.slot(p.name().name()), value).at(p.span()));
        }
        for (Decl.Member m : b.members()) {
            switch (m) {
                case Decl.TensorParam tp -> {
                    DType dtype = DType.F32;
                    List<TypeExpr.DimExpr> dims = List.of();
                    if (tp.type() instanceof TypeExpr.Tensor tt) {
                        if (tt.dtype() != null) dtype = DType.fromLin(tt.dtype().name());
                        dims = tt.dims();
                    } else if (tp.type() instanceof TypeExpr.Named n) {
                        dtype = DType.fromLin(n.name().name());
                    }
                    LinExpressionNode[] sizes = dims.stream().map(this::dimNode).toArray(LinExpressionNode[]::new);
                    LinExpressionNode init = tp.init() == null ? null : t.expr(tp.init());
                    LinTensorParamNode node = new LinTensorParamNode(sizes, init, dtype, tp.name().name(), tp.type().span().text()).at(tp.span());
                    statements.add(new LinSetFieldNode(self(), cls.slot(tp.name().name()), node).at(tp.span()));
                }
                case Decl.Field f -> statements.add(new LinSetFieldNode(self(), cls.slot(f.name().name()), t.expr(f.value())).at(f.span()));
                case Decl.StateMember st -> { } // empty until a method assigns it
                case Decl.Method method -> { }
            }
        }
        return new LinFinishInstanceNode(self()).at(b.name().span());
    }

    /** A dimension of a type written in code ({@code heads * dk}) as an expression computing its size. */
    LinExpressionNode dimNode(TypeExpr.DimExpr d) {
        return switch (d) {
            case TypeExpr.DimLit l -> new org.linlang.runtime.truffle.nodes.expression.LinIntLiteralNode(l.value()).at(l.span());
            case TypeExpr.DimName n -> t.expr(new Expr.Name(n.name()));
            case TypeExpr.DimBinary bin -> new org.linlang.runtime.truffle.nodes.expression.LinDimArithmeticNode(
                    bin.op(), dimNode(bin.left()), dimNode(bin.right())).at(bin.span());
            case TypeExpr.Rest r -> new LinErrorNode("'..' cannot be used here").at(r.span());
        };
    }

    // ---- names ----------------------------------------------------------------------------------------

    /** A member or method of the block being translated, by its plain name; else null. */
    LinExpressionNode blockMember(Ident name) {
        if (block == null || block.selfSlot < 0) return null;
        LinFunction method = block.cls.method(name.name());
        if (method != null) return new LinBindMethodNode(self(), method);
        int slot = block.cls.slot(name.name());
        if (slot >= 0 && block.cls.slotKind(slot) == LinBlockClass.SlotKind.STATE) {
            Decl.StateMember st = block.state(name.name());
            if (!block.inMethod) return new LinErrorNode("state '" + name.name() + "' is only readable in the methods of " + block.cls.kindWord() + " '" + block.cls.name() + "'");
            TypeExpr.Tensor type = (TypeExpr.Tensor) st.type();
            LinExpressionNode[] sizes = type.dims().stream().map(this::dimNode).toArray(LinExpressionNode[]::new);
            return new LinReadStateNode(self(), slot, sizes, stateDtype(type), name.name());
        }
        if (slot >= 0) return new LinReadFieldNode(self(), slot, name.name());
        return null;
    }

    /** Whether a name is a state of the block whose method is being translated. */
    boolean isState(String name) {
        return block != null && block.inMethod && block.state(name) != null;
    }

    /**
     * {@code keys = value} in a method: checked against the state's type, where the dimensions the
     * method does not bind (bound at entry from the old value) may take any size.
     */
    LinStatementNode assignState(Stmt.Assign assign) {
        Decl.StateMember st = block.state(assign.target().name());
        TypeExpr.Tensor type = (TypeExpr.Tensor) st.type();
        Dims dims = new Dims(name -> !block.stateFree.contains(name) && (t.isLocal(name) || isBlockMember(name)));
        ShapeSpec.Param param = dims.param(st.name().name(), withDtype(type));
        var spec = new ShapeSpec(t.currentFunctionName(), List.of(param), new ArrayList<>(dims.free.keySet()),
                new ArrayList<>(dims.known.keySet()), true);
        return new LinWriteStateNode(self(), block.cls.slot(st.name().name()), t.expr(assign.value()), spec,
                dims.knownNodes.toArray(LinExpressionNode[]::new), stateDtype(type)).at(assign.span());
    }

    /**
     * The start of a method of a block with states: binds the state dimensions its signature does not
     * ({@code P}) from the states' current values (0 while empty), and checks the others (B, the
     * block's parameters) against them, so a session called with another batch size says so.
     */
    private void enterStates(List<LinStatementNode> out, Span at, String callee) {
        List<ShapeSpec.Param> specParams = new ArrayList<>();
        List<LinExpressionNode> args = new ArrayList<>();
        Dims dims = new Dims(name -> t.isLocal(name) || isBlockMember(name));
        for (Decl.Member m : block.decl.members()) {
            if (!(m instanceof Decl.StateMember st) || !(st.type() instanceof TypeExpr.Tensor type)) continue;
            specParams.add(dims.param(st.name().name(), withDtype(type)));
            args.add(new LinStateOrMissingNode(self(), block.cls.slot(st.name().name())));
        }
        if (specParams.isEmpty()) return;
        int[] dimSlots = new int[dims.free.size()];
        int k = 0;
        for (String name : dims.free.keySet()) {
            dimSlots[k++] = t.declareDimension(name);
            block.stateFree.add(name);
        }
        var spec = new ShapeSpec(callee, specParams, new ArrayList<>(dims.free.keySet()), new ArrayList<>(dims.known.keySet()), true);
        out.add(new LinBindDimsNode(spec, args.toArray(LinExpressionNode[]::new), dims.knownNodes.toArray(LinExpressionNode[]::new), dimSlots).at(at));
    }

    private static DType stateDtype(TypeExpr.Tensor type) {
        return type.dtype() == null ? DType.F32 : DType.fromLin(type.dtype().name());
    }

    /** A state's type with its element type written out (f32 when left open), as the checker reads it. */
    private static TypeExpr.Tensor withDtype(TypeExpr.Tensor type) {
        return type.dtype() != null ? type : new TypeExpr.Tensor(type.span(), new Ident("f32", type.span()), type.dims());
    }

    /** Whether a name is a member or method of the block being translated. */
    boolean isBlockMember(String name) {
        return block != null && (block.cls.slot(name) >= 0 || block.cls.method(name) != null);
    }

    /** A recurrence or block of this module, by name; else null. */
    LinExpressionNode definition(String name) {
        LinFunction f = values.get(name);
        return f == null ? null : new LinConstantNode(f);
    }

    /** A name bound by an import; else null. */
    LinExpressionNode importedName(String name) {
        Object v = imported.get(name);
        return v == null ? null : new LinConstantNode(v);
    }

    /** {@code nn.Linear} where {@code nn} is an imported module: the definition itself; else null. */
    LinExpressionNode moduleMember(Expr.Member m) {
        if (!(m.target() instanceof Expr.Name n) || t.isLocal(n.name()) || isBlockMember(n.name())) return null;
        if (!(imported.get(n.name()) instanceof LinModuleValue module)) return null;
        Object v = module.member(m.member().name());
        if (v == null) return new LinErrorNode("module '" + module.path() + "' has no definition '" + m.member().name() + "'");
        return new LinConstantNode(v);
    }

    // ---- recurrences ----------------------------------------------------------------------------------

    /** {@code emit e} in a recurrence's step; null elsewhere. */
    LinStatementNode emit(Stmt.Emit e) {
        if (recurrence == null) return null;
        return new LinEmitNode(t.expr(e.value()), recurrence.emitSlot).at(e.span());
    }

    /** A value assigned to local {@code slot}: converted to a state when the slot is one. */
    LinExpressionNode assigned(int slot, LinExpressionNode value) {
        if (recurrence == null) return value;
        String state = recurrence.states.get(slot);
        return state == null ? value : new LinToStateNode(value, slot, state);
    }

    private LinRootNode recurrenceRoot(Decl.Recurrence r) {
        RecurrenceScope saved = recurrence;
        RecurrenceScope scope = new RecurrenceScope();
        Decl.Fn step = new Decl.Fn(r.span(), r.doc(), r.name(), r.params(), null, List.of());
        try {
            return t.root(step, () -> {
                recurrence = scope;
                return recurrenceNode(r, scope);
            });
        } finally {
            recurrence = saved;
        }
    }

    private LinExpressionNode recurrenceNode(Decl.Recurrence r, RecurrenceScope scope) {
        List<Param> params = r.params();
        int n = params.size();
        boolean[] perStep = new boolean[n];
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) {
            Param p = params.get(i);
            perStep[i] = !isHostType(p.type());
            slots[i] = t.declareSlot(p.name().name(), p.type());
        }
        // Int host parameters are the known sizes; any other name is one of the step's dimensions.
        Map<String, Integer> knownIndex = new LinkedHashMap<>();
        List<Integer> knownParams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Param p = params.get(i);
            if (!perStep[i] && isNamed(p.type(), "int")) {
                knownIndex.put(p.name().name(), knownIndex.size());
                knownParams.add(i);
            }
        }
        Dims dims = new Dims(name -> knownIndex.containsKey(name));
        dims.known.putAll(knownIndex);
        List<ShapeSpec.Param> specParams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Param p = params.get(i);
            specParams.add(perStep[i] ? dims.param(p.name().name(), p.type()) : new ShapeSpec.Param(p.name().name(), null, false, null));
        }
        List<RecurrenceSignature.State> states = new ArrayList<>();
        for (Decl.State st : r.states()) {
            ShapeSpec.Param sp = dims.param(st.name().name(), st.type());
            states.add(new RecurrenceSignature.State(st.name().name(), sp.dims(), st.type().span().text()));
        }
        ShapeSpec.Param out = dims.param("output", r.output());
        DType outDtype = out.dtype();
        int[] dimSlots = new int[dims.free.size()];
        int k = 0;
        for (String name : dims.free.keySet()) dimSlots[k++] = t.declareDimension(name);
        ShapeSpec spec = new ShapeSpec(r.name().name(), specParams, new ArrayList<>(dims.free.keySet()), new ArrayList<>(knownIndex.keySet()));
        int[] known = knownParams.stream().mapToInt(Integer::intValue).toArray();
        var sig = new RecurrenceSignature(r.name().name(), params.stream().map(p -> p.name().name()).toList(), perStep, spec, known,
                states, out.dims(), outDtype);
        // Host parameters, whose defaults may use the step's dimensions.
        List<LinStatementNode> prologue = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (perStep[i]) continue;
            Param p = params.get(i);
            LinExpressionNode arg = new LinReadArgumentNode(i, null).at(p.span());
            LinExpressionNode value = p.defaultValue() == null ? arg : new LinOrDefaultNode(arg, t.expr(p.defaultValue())).at(p.span());
            prologue.add(LinWriteLocalNodeGen.create(slots[i], coerce(value, p)).at(p.span()));
        }
        int[] stateSlots = new int[states.size()];
        LinExpressionNode[] inits = new LinExpressionNode[states.size()];
        for (int i = 0; i < r.states().size(); i++) {
            Decl.State st = r.states().get(i);
            inits[i] = st.init() == null ? new org.linlang.runtime.truffle.nodes.expression.LinIntLiteralNode(0).at(st.span()) : t.expr(st.init());
            stateSlots[i] = t.declareSlot(st.name().name(), st.type());
            scope.states.put(stateSlots[i], st.name().name());
        }
        int[] stepSlots = new int[n];
        for (int i = 0; i < n; i++) stepSlots[i] = perStep[i] ? slots[i] : -1;
        scope.emitSlot = t.hiddenSlot("emit");
        int counter = t.hiddenSlot("step", FrameSlotKind.Long);
        int run = t.hiddenSlot("run");
        List<LinStatementNode> body = new ArrayList<>();
        for (Stmt s : r.body()) body.add(t.stmt(s));
        var bodyNode = new LinBlockNode(body.toArray(LinStatementNode[]::new));
        return new LinRecurrenceNode(sig, dimSlots, prologue.toArray(LinStatementNode[]::new), inits, stepSlots, stateSlots,
                scope.emitSlot, counter, run, bodyNode).at(r.name().span());
    }

    /** Types of a recurrence's host parameters: one value for the whole call. */
    private static boolean isHostType(TypeExpr type) {
        return isNamed(type, "int") || isNamed(type, "float") || isNamed(type, "string") || isNamed(type, "bool");
    }

    // ---- signatures with tensor parameters --------------------------------------------------------

    /** Which dimension names are free (bound by the call) and which are known; the nodes that read the known ones. */
    private final class Dims {
        final java.util.function.Predicate<String> isKnown;
        final Map<String, Integer> free = new LinkedHashMap<>();
        final Map<String, Integer> known = new LinkedHashMap<>();
        final List<LinExpressionNode> knownNodes = new ArrayList<>();

        Dims(java.util.function.Predicate<String> isKnown) { this.isKnown = isKnown; }

        ShapeSpec.Param param(String name, TypeExpr type) {
            if (type instanceof TypeExpr.Tensor tt) {
                DType dtype = tt.dtype() == null ? null : DType.fromLin(tt.dtype().name());
                boolean rest = !tt.dims().isEmpty() && tt.dims().getFirst() instanceof TypeExpr.Rest;
                List<ShapeSpec.Dim> ds = new ArrayList<>();
                for (TypeExpr.DimExpr d : tt.dims()) if (!(d instanceof TypeExpr.Rest)) ds.add(dim(d));
                return new ShapeSpec.Param(name, dtype, rest, ds.toArray(ShapeSpec.Dim[]::new));
            }
            if (type instanceof TypeExpr.Named n && elementType(n.name().name()) != null) {
                return new ShapeSpec.Param(name, elementType(n.name().name()), false, new ShapeSpec.Dim[0]);
            }
            return new ShapeSpec.Param(name, null, false, null);
        }

        ShapeSpec.Dim dim(TypeExpr.DimExpr d) {
            return switch (d) {
                case TypeExpr.DimLit l -> new ShapeSpec.Lit(l.value());
                case TypeExpr.DimName n -> {
                    String name = n.name().name();
                    if (isKnown.test(name)) {
                        Integer i = known.get(name);
                        if (i == null) {
                            i = known.size();
                            known.put(name, i);
                            knownNodes.add(t.expr(new Expr.Name(n.name())));
                        }
                        yield new ShapeSpec.Known(i, name);
                    }
                    yield new ShapeSpec.Free(free.computeIfAbsent(name, k -> free.size()), name);
                }
                case TypeExpr.DimBinary b -> new ShapeSpec.Bin(b.op(), dim(b.left()), dim(b.right()));
                case TypeExpr.Rest r -> new ShapeSpec.Lit(0);
            };
        }
    }

    /** The element type a type name stands for as a 0-d tensor ({@code f32}), or null ({@code int}, {@code float}, a block). */
    static DType elementType(String name) {
        return switch (name) {
            case "f32" -> DType.F32;
            case "f16" -> DType.F16;
            case "bf16" -> DType.BF16;
            case "i32" -> DType.I32;
            case "i64" -> DType.I64;
            default -> null;
        };
    }

    /**
     * The start of a function or method: its parameters into their locals. With tensor parameters, the
     * arguments' shapes are checked and the signature's dimension names bound (before the defaults,
     * which may use them); without, each parameter is read with its default as before.
     */
    void parameters(List<Param> params, int firstArg, List<LinStatementNode> out, Span at, String callee) {
        boolean tensors = params.stream().anyMatch(p -> p.type() instanceof TypeExpr.Tensor);
        if (!tensors) {
            for (int i = 0; i < params.size(); i++) {
                Param p = params.get(i);
                // The default sees the parameters before this one.
                LinExpressionNode fallback = p.defaultValue() == null ? null : t.expr(p.defaultValue());
                LinExpressionNode value = coerce(new LinReadArgumentNode(i + firstArg, fallback).at(p.span()), p);
                int slot = t.declareSlot(p.name().name(), p.type());
                out.add(LinWriteLocalNodeGen.create(slot, value).at(p.span()));
            }
            if (block != null && block.inMethod) enterStates(out, at, callee);
            return;
        }
        int[] slots = new int[params.size()];
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            LinExpressionNode arg = new LinReadArgumentNode(i + firstArg, null).at(p.span());
            slots[i] = t.declareSlot(p.name().name(), p.type());
            // An int parameter may size the tensors (G in [B, T, Hk * G, K]), so its default applies
            // before the dimensions are bound; other defaults may use the dimensions (K ** -0.5), after.
            LinExpressionNode value = p.defaultValue() == null ? coerce(arg, p)
                    : isInt(p) ? coerce(new LinOrDefaultNode(arg, t.expr(p.defaultValue())).at(p.span()), p)
                    : arg;
            out.add(LinWriteLocalNodeGen.create(slots[i], value).at(p.span()));
        }
        Dims dims = new Dims(name -> t.isLocal(name) || isBlockMember(name));
        List<ShapeSpec.Param> specParams = new ArrayList<>();
        List<LinExpressionNode> args = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            if (!(p.type() instanceof TypeExpr.Tensor)) continue;
            specParams.add(dims.param(p.name().name(), p.type()));
            args.add(LinReadLocalNodeGen.create(slots[i]));
        }
        int[] dimSlots = new int[dims.free.size()];
        int k = 0;
        for (String name : dims.free.keySet()) dimSlots[k++] = t.declareDimension(name);
        var spec = new ShapeSpec(callee, specParams, new ArrayList<>(dims.free.keySet()),
                new ArrayList<>(dims.known.keySet()));
        out.add(new LinBindDimsNode(spec, args.toArray(LinExpressionNode[]::new), dims.knownNodes.toArray(LinExpressionNode[]::new), dimSlots).at(at));
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            if (p.defaultValue() == null || isInt(p)) continue;
            LinExpressionNode value = new LinOrDefaultNode(LinReadLocalNodeGen.create(slots[i]), t.expr(p.defaultValue())).at(p.span());
            out.add(LinWriteLocalNodeGen.create(slots[i], coerce(value, p)).at(p.span()));
        }
        if (block != null && block.inMethod) enterStates(out, at, callee);
    }

    /** A parameter's value converted to its declared scalar type; an optional one ({@code = none}) may also be none. */
    private static LinExpressionNode coerce(LinExpressionNode value, Param p) {
        if (p.defaultValue() instanceof Expr.NoneLit) return value; // none, or a value the checker accepted
        return LinTranslator.coerce(value, p.type(), p.span());
    }

    private static boolean isInt(Param p) {
        return p.type() instanceof TypeExpr.Named n && n.name().name().equals("int");
    }
}
