package org.linlang.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.linlang.runtime.tensor.Json;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.tensor.TensorFormatException;

/**
 * The tensors of a checkpoint, by name, as read-only views of the memory-mapped files (nothing is copied
 * here; the loader converts each tensor at most once, into the model's element type):
 * <ul>
 *   <li>a folder with {@code model.safetensors.index.json}: the shards its {@code weight_map} names,
 *       each tensor taken from the shard the index gives (a shard that is missing, or lacks a tensor
 *       the index puts there, is an error);</li>
 *   <li>a folder with {@code model.safetensors}: that file;</li>
 *   <li>any other folder: all its {@code *.safetensors} files; a file: that file.</li>
 * </ul>
 * Messages show paths as the user wrote them ({@code shown}).
 */
public final class CheckpointFiles {
    public static final String INDEX = "model.safetensors.index.json";
    public static final String SINGLE = "model.safetensors";

    /** The tensors, and the total bytes of their data. */
    public record Tensors(Map<String, Tensor> byName, long bytes) {}

    private CheckpointFiles() {}

    public static Tensors read(Path path, String shown) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (!Files.isDirectory(path)) {
            readInto(out, path, shown);
        } else if (Files.exists(path.resolve(INDEX))) {
            readIndexed(out, path, shown);
        } else if (Files.exists(path.resolve(SINGLE))) {
            readInto(out, path.resolve(SINGLE), join(shown, SINGLE));
        } else {
            List<Path> files;
            try (Stream<Path> list = Files.list(path)) {
                files = list.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            } catch (IOException e) {
                throw new CheckpointException("cannot read '" + shown + "': " + reason(e));
            }
            if (files.isEmpty()) throw new CheckpointException("cannot load '" + shown + "': the folder has no .safetensors file");
            for (Path f : files) readInto(out, f, join(shown, f.getFileName().toString()));
        }
        long bytes = 0;
        for (Tensor t : out.values()) bytes += t.numel() * t.dtype().byteSize();
        return new Tensors(out, bytes);
    }

    @SuppressWarnings("unchecked")
    private static void readIndexed(Map<String, Tensor> out, Path dir, String shown) {
        String indexShown = join(shown, INDEX);
        Object root;
        try {
            root = Json.parse(Files.readString(dir.resolve(INDEX)));
        } catch (IOException e) {
            throw new CheckpointException("cannot read '" + indexShown + "': " + reason(e));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(indexShown + " is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("weight_map") instanceof Map<?, ?> weightMap)) {
            throw new CheckpointException(indexShown + " has no \"weight_map\" object (tensor name -> shard file)");
        }
        Map<String, Set<String>> byShard = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : weightMap.entrySet()) {
            if (!(e.getValue() instanceof String shard) || shard.contains("/") || shard.contains("\\")) {
                throw new CheckpointException(indexShown + ": weight_map entry \"" + e.getKey() + "\" must name a file in the folder, found "
                        + ConfigExpression.describe(e.getValue()));
            }
            byShard.computeIfAbsent(shard, s -> new LinkedHashSet<>()).add((String) e.getKey());
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Set<String>> shard : byShard.entrySet()) {
            Path file = dir.resolve(shard.getKey());
            if (!Files.exists(file)) {
                problems.add("shard " + shard.getKey() + " is missing (the index puts " + shard.getValue().size() + " tensors there)");
                continue;
            }
            Map<String, Tensor> inShard = new LinkedHashMap<>();
            readInto(inShard, file, join(shown, shard.getKey()));
            for (String name : shard.getValue()) {
                Tensor t = inShard.get(name);
                if (t == null) problems.add(name + " is not in " + shard.getKey() + ", where the index puts it");
                else out.put(name, t);
            }
            Set<String> extra = new TreeSet<>(inShard.keySet());
            extra.removeAll(shard.getValue());
            for (String name : extra) {
                if (!weightMap.containsKey(name)) out.putIfAbsent(name, inShard.get(name)); // reported as unexpected if the model lacks it
            }
        }
        if (!problems.isEmpty()) throw new CheckpointException(indexShown + " does not match its shards:\n  " + String.join("\n  ", problems));
    }

    private static void readInto(Map<String, Tensor> out, Path file, String shown) {
        try {
            for (Map.Entry<String, Tensor> e : SafeTensors.read(file).tensors().entrySet()) {
                if (out.putIfAbsent(e.getKey(), e.getValue()) != null) {
                    throw new CheckpointException("tensor '" + e.getKey() + "' is in more than one file of the checkpoint (again in " + shown + ")");
                }
            }
        } catch (TensorFormatException e) {
            String m = e.getMessage();
            throw new CheckpointException(m.startsWith(file.toString()) ? shown + m.substring(file.toString().length()) : m);
        } catch (IOException e) {
            throw new CheckpointException("cannot read '" + shown + "': " + reason(e));
        }
    }

    static String join(String folder, String file) {
        return folder.endsWith("/") ? folder + file : folder + "/" + file;
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
