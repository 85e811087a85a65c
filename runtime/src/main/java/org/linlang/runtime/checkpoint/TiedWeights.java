package org.linlang.runtime.checkpoint;

import java.nio.file.Path;
import java.util.Map;
import org.linlang.runtime.tensor.Tensor;

/**
 * Tied embeddings: a checkpoint whose config.json says {@code tie_word_embeddings} stores the output
 * projection once, as the input embedding. The architecture's table names both; the output weight then
 * is the embedding tensor (the same memory, as in transformers' tie_weights).
 */
public final class TiedWeights {
    private TiedWeights() {}

    /** Adds the tied weight to {@code tensors} when the folder's config.json asks for it; folders without one are left alone. */
    public static void apply(Map<String, Tensor> tensors, Path dir, String shown) {
        Map<String, Object> config = Checkpoint.configOrNull(dir, shown);
        if (config == null || !(config.get("model_type") instanceof String type)) return;
        Architecture arch = Architecture.all().stream().filter(a -> a.modelTypes().contains(type)).findFirst().orElse(null);
        if (arch == null || !arch.isTied(config)) return;
        Tensor source = tensors.get(arch.tied().source());
        if (source != null) tensors.put(arch.tied().weight(), source);
    }
}
