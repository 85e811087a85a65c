package org.linlang.runtime.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which checkpoint folder a model instance was loaded from ({@code m.load(dir)}, {@code load(dir)}), so that
 * {@code m.generate("text")} finds the folder's tokenizer. Weak keys: forgetting an instance forgets this.
 */
public final class CheckpointOrigins {
    private static final Map<Object, Path> ORIGINS = Collections.synchronizedMap(new WeakHashMap<>());

    private CheckpointOrigins() {}

    /** Records {@code folder} as the origin of {@code instance} when it is a checkpoint folder (it has config.json). */
    public static void remember(Object instance, Path folder) {
        if (Files.isDirectory(folder) && Files.isRegularFile(folder.resolve(Checkpoint.CONFIG))) ORIGINS.put(instance, folder);
    }

    /** The folder, or null when the instance was not loaded from a checkpoint folder. */
    public static Path of(Object instance) {
        return ORIGINS.get(instance);
    }
}
