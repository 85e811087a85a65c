package org.linlang.runtime.checkpoint;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.linlang.runtime.tensor.Json;

/**
 * A Hugging Face checkpoint folder: {@code config.json}, the weights ({@link CheckpointFiles}) and the
 * standard-library architecture that runs it ({@link Architecture}, chosen by config.json's
 * {@code model_type}). {@link #modelSource} is the Lin code that builds the model; its
 * {@code load(dir)} then reads the weights by their dotted names.
 */
public final class Checkpoint {
    public static final String CONFIG = "config.json";

    private final Path dir;
    private final String shown;
    private final Map<String, Object> config;
    private final Architecture architecture;
    private final Map<String, Number> arguments;

    private Checkpoint(Path dir, String shown, Map<String, Object> config, Architecture architecture, Map<String, Number> arguments) {
        this.dir = dir;
        this.shown = shown;
        this.config = config;
        this.architecture = architecture;
        this.arguments = arguments;
    }

    /** Reads config.json and picks the architecture; every problem is a {@link CheckpointException} with one clear message. */
    public static Checkpoint open(Path dir) {
        return open(dir, dir.toString());
    }

    public static Checkpoint open(Path dir, String shown) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("cannot open checkpoint '" + shown + "': " + (Files.exists(dir) ? "not a folder" : "no such folder"));
        }
        Map<String, Object> config = readConfig(dir, shown);
        String where = CheckpointFiles.join(shown, CONFIG);
        if (!(config.get("model_type") instanceof String modelType)) {
            throw new CheckpointException(where + " has no \"model_type\" string, so Lin cannot tell the architecture");
        }
        Architecture a = Architecture.forModelType(modelType, where);
        return new Checkpoint(dir, shown, config, a, a.arguments(config, where));
    }

    /** config.json of a folder as a JSON object, or null when the folder has none. */
    public static Map<String, Object> configOrNull(Path dir, String shown) {
        return Files.isRegularFile(dir.resolve(CONFIG)) ? readConfig(dir, shown) : null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readConfig(Path dir, String shown) {
        String where = CheckpointFiles.join(shown, CONFIG);
        String text;
        try {
            byte[] bytes = Files.readAllBytes(dir.resolve(CONFIG));
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(where + " is not valid UTF-8");
        } catch (IOException e) {
            throw new CheckpointException("cannot read '" + where + "': " + CheckpointFiles.reason(e));
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + " is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?>)) throw new CheckpointException(where + " is not a JSON object");
        return (Map<String, Object>) specialFloats(root);
    }

    /**
     * The floats JSON has no literal for, as transformers 5 writes them: {"__float__": "Infinity"} (also
     * "-Infinity", "NaN") becomes the double, anywhere in the config; earlier versions wrote Python's bare
     * Infinity, which {@link Json} reads.
     */
    private static Object specialFloats(Object v) {
        if (v instanceof Map<?, ?> m) {
            if (m.size() == 1 && m.get("__float__") instanceof String tag) {
                switch (tag) {
                    case "Infinity": return Double.POSITIVE_INFINITY;
                    case "-Infinity": return Double.NEGATIVE_INFINITY;
                    case "NaN": return Double.NaN;
                    default: return m;
                }
            }
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, specialFloats(x)));
            return out;
        }
        if (v instanceof java.util.List<?> list) return list.stream().map(Checkpoint::specialFloats).toList();
        return v;
    }

    public Path dir() { return dir; }

    /** The folder as the user named it, for messages. */
    public String shown() { return shown; }

    public Map<String, Object> config() { return config; }

    public Architecture architecture() { return architecture; }

    /** The model's arguments computed from config.json by the architecture's table. */
    public Map<String, Number> arguments() { return arguments; }

    /** The vocabulary size the model's logits have. */
    public long vocabSize() {
        Object v = config.get("vocab_size");
        return v instanceof Long l ? l : -1;
    }

    /**
     * Lin code defining {@code name} as this checkpoint's model with its weights loaded, e.g.
     * {@code import std.arch.llama.{LlamaForCausalLM}\nlet m = LlamaForCausalLM(vocab = 300, …).load("dir")}.
     */
    public String modelSource(String name) {
        return "import " + architecture.module() + ".{" + architecture.model() + "}\n"
                + "let " + name + " = " + architecture.constructorSource(arguments) + "\n"
                + name + ".load(" + linString(dir.toString()) + ")\n";
    }

    static String linString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
