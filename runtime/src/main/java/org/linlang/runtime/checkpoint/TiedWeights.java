package org.linlang.runtime.checkpoint;

import java.nio.file.Path;
import java.util.Map;
import org.linlang.runtime.tensor.Tensor;

/**
 * Tied embeddings: a checkpoint whose config.json says {@code tie_word_embeddings} stores the output
 * projection once, as the input embedding. The architecture's table names both; the output weight then
 * is the embedding tensor (the same memory, as in transformers' tie_weights). Also drops the tensors the
 * table says the model does not read ({@code "ignore"}: Qwen3-Next's multi-token-prediction head
 * {@code mtp.*}, as transformers' _keys_to_ignore_on_load_unexpected).
 */
public final class TiedWeights {
    private TiedWeights() {}

    /**
     * Adds the tied weight to {@code tensors} when the folder's config.json asks for it, and removes the
     * tensors its architecture ignores; folders without a config.json are left alone.
     */
    public static void apply(Map<String, Tensor> tensors, Path dir, String shown) {
        Map<String, Object> config = Checkpoint.configOrNull(dir, shown);
        Architecture arch = Architecture.ofConfig(config);
        if (arch == null) return;
        tensors.keySet().removeIf(arch::ignores);
        if (!arch.isTied(config)) return;
        Tensor source = tensors.get(arch.tied().source());
        if (source != null) tensors.put(arch.tied().weight(), source);
    }
}
