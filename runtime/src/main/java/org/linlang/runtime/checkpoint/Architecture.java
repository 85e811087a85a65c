package org.linlang.runtime.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.linlang.runtime.tensor.Json;

/**
 * One architecture's declarative table, the resource {@code std/arch/NAME.json} next to its
 * {@code .lin} file in the standard library (listed in {@code std/arch/architectures.txt}):
 *
 * <pre>{@code
 * { "model_types": ["llama"],                    // config.json "model_type" values it serves
 *   "module": "std.arch.llama", "model": "LlamaForCausalLM",
 *   "parameters": { "vocab": "vocab_size", "kv_heads": "num_key_value_heads ?? num_attention_heads", … },
 *   "requires": { "hidden_act": "silu", "rope_scaling": null },   // absent or equal, else refused by name (dotted: nested)
 *   "tied": { "flag": "tie_word_embeddings", "default": false,
 *             "weight": "lm_head.weight", "source": "model.embed_tokens.weight" },
 *   "ignore": ["mtp."] }                         // tensor-name prefixes the checkpoint may have and the model does not read
 * }</pre>
 *
 * Each parameter is a {@link ConfigExpression} over config.json; the model is constructed with those
 * named arguments. An int parameter of the model gets an integer, a float parameter a float.
 */
public record Architecture(String name, List<String> modelTypes, String module, String model,
                           Map<String, String> parameters, Map<String, Object> requires, Tied tied, List<String> ignore) {

    /** The tied output embedding: when config.json's {@code flag} holds, {@code weight} is {@code source}. */
    public record Tied(String flag, boolean byDefault, String weight, String source) {}

    private static final String ROOT = "std/arch/";

    /** Every architecture the standard library has a table for. */
    public static List<Architecture> all() {
        List<Architecture> out = new ArrayList<>();
        for (String line : resource(ROOT + "architectures.txt").split("\n")) {
            String n = line.strip();
            if (!n.isEmpty() && !n.startsWith("#")) out.add(read(n));
        }
        return out;
    }

    /** The architecture serving config.json's model_type, or a CheckpointException listing those Lin has. */
    public static Architecture forModelType(String modelType, String where) {
        List<Architecture> all = all();
        for (Architecture a : all) if (a.modelTypes.contains(modelType)) return a;
        List<String> known = new ArrayList<>();
        for (Architecture a : all) known.addAll(a.modelTypes);
        throw new CheckpointException(where + ": model_type \"" + modelType + "\" has no architecture in Lin's standard library (it has "
                + String.join(", ", known) + ")");
    }

    /** The architecture of a folder's config.json, or null where it has no model_type Lin knows (reported elsewhere). */
    static Architecture ofConfig(Map<String, Object> config) {
        if (config == null || !(config.get("model_type") instanceof String type)) return null;
        return all().stream().filter(a -> a.modelTypes.contains(type)).findFirst().orElse(null);
    }

    /** Whether the model leaves this checkpoint tensor unread by design (the table's "ignore" prefixes). */
    public boolean ignores(String tensorName) {
        return ignore.stream().anyMatch(tensorName::startsWith);
    }

    /** The model's named arguments (Long or Double) computed from config.json; refuses unsupported settings by name. */
    public Map<String, Number> arguments(Map<String, Object> config, String where) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> r : requires.entrySet()) {
            Object found = ConfigExpression.lookup(config, r.getKey());
            if (found != null && !equal(found, r.getValue())) {
                problems.add(r.getKey() + " is " + ConfigExpression.describe(found) + ", but " + model + " supports only "
                        + (r.getValue() == null ? "null (absent)" : ConfigExpression.describe(r.getValue())));
            }
        }
        Map<String, Number> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            try {
                Number v = ConfigExpression.evaluate(p.getValue(), config);
                if (v instanceof Double x && x.isNaN()) problems.add(p.getValue() + " is NaN (" + model + " parameter " + p.getKey() + ")");
                else out.put(p.getKey(), v);
            } catch (ConfigExpression.Missing m) {
                problems.add("field \"" + m.field + "\" is missing (" + model + " parameter " + p.getKey() + " = " + p.getValue() + ")");
            } catch (CheckpointException e) {
                problems.add(e.getMessage().replaceFirst("^config\\.json:? ?", ""));
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(where + ": cannot configure " + model + ":\n  " + String.join("\n  ", problems));
        }
        return out;
    }

    /** Whether config.json asks for tied embeddings. */
    public boolean isTied(Map<String, Object> config) {
        if (tied == null) return false;
        Object v = config.get(tied.flag);
        return v == null ? tied.byDefault : Boolean.TRUE.equals(v);
    }

    /** Lin source that imports the model and evaluates to a fresh instance with these arguments. */
    public String constructorSource(Map<String, Number> arguments) {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, Number> a : arguments.entrySet()) {
            Number v = a.getValue();
            String text = v instanceof Long ? v.toString() : floatLiteral(v.doubleValue());
            args.add(a.getKey() + " = " + text);
        }
        return model + "(" + String.join(", ", args) + ")";
    }

    /** A Lin float literal: digits on both sides of the point, or an exponent; infinities as float("inf"). */
    private static String floatLiteral(double v) {
        if (Double.isInfinite(v)) return v > 0 ? "float(\"inf\")" : "float(\"-inf\")";
        String s = Double.toString(v);
        return s.contains(".") || s.contains("E") ? s.replace("E", "e") : s + ".0";
    }

    private static boolean equal(Object found, Object expected) {
        if (found instanceof Number a && expected instanceof Number b) return a.doubleValue() == b.doubleValue();
        return Objects.equals(found, expected);
    }

    @SuppressWarnings("unchecked")
    private static Architecture read(String name) {
        String path = ROOT + name + ".json";
        Map<String, Object> t = (Map<String, Object>) Json.parse(resource(path));
        Map<String, String> params = new LinkedHashMap<>();
        ((Map<String, Object>) t.get("parameters")).forEach((k, v) -> params.put(k, (String) v));
        Map<String, Object> requires = t.containsKey("requires") ? (Map<String, Object>) t.get("requires") : Map.of();
        Tied tied = null;
        if (t.get("tied") instanceof Map<?, ?> m) {
            tied = new Tied((String) m.get("flag"), Boolean.TRUE.equals(m.get("default")), (String) m.get("weight"), (String) m.get("source"));
        }
        List<String> ignore = t.containsKey("ignore") ? (List<String>) t.get("ignore") : List.of();
        return new Architecture(name, (List<String>) t.get("model_types"), (String) t.get("module"), (String) t.get("model"), params, requires, tied,
                ignore);
    }

    private static String resource(String path) {
        try (InputStream in = Architecture.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("the standard library has no resource " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + path, e);
        }
    }
}
