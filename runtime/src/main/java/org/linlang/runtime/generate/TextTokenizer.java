package org.linlang.runtime.generate;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.runtime.checkpoint.CheckpointException;
import org.linlang.runtime.tensor.Json;

/**
 * A checkpoint's {@code tokenizer.json}, through the Rust {@code tokenizers} crate (DJL's binding):
 * byte-level BPE (Llama 3, Qwen, GPT-NeoX), metaspace BPE with byte fallback (SentencePiece-derived
 * models), the added and special tokens and the post-processor (a BOS token where the file adds one).
 * {@code tokenizer_config.json} and {@code generation_config.json} give the end-of-sequence tokens.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer hf;
    private final Set<Long> eosIds;
    private final Map<String, Object> tokenizerConfig;

    private TextTokenizer(HuggingFaceTokenizer hf, Set<Long> eosIds, Map<String, Object> tokenizerConfig) {
        this.hf = hf;
        this.eosIds = eosIds;
        this.tokenizerConfig = tokenizerConfig;
    }

    /** The tokenizer of a checkpoint folder; one clear message when it has none or it cannot be read. */
    public static TextTokenizer open(Path dir, String shown) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("'" + shown + "' has no tokenizer.json (Lin reads tokenizers in the Hugging Face tokenizer.json format)");
        }
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            // DJL copies its native library to a cache; keep it out of the user's home unless told otherwise.
            System.setProperty("DJL_CACHE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "lin-djl").toString());
        }
        HuggingFaceTokenizer hf;
        try {
            // DJL's defaults would truncate to 512 tokens and pad; a generator wants the text as it is.
            hf = HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "false", "padding", "false", "maxLength", "-1"));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("cannot read '" + shown + "/tokenizer.json': " + e.getMessage());
        }
        Map<String, Object> tc = optionalJson(dir.resolve("tokenizer_config.json"), shown);
        Map<String, Object> gc = optionalJson(dir.resolve("generation_config.json"), shown);
        Map<String, Object> mc = optionalJson(dir.resolve("config.json"), shown);
        Set<Long> eos = new LinkedHashSet<>();
        addIds(eos, gc.get("eos_token_id"));
        if (eos.isEmpty()) addIds(eos, mc.get("eos_token_id"));
        if (tc.get("eos_token") instanceof String s) {
            long[] ids = hf.encode(s, false, false).getIds();
            if (ids.length == 1) eos.add(ids[0]);
        }
        return new TextTokenizer(hf, eos, tc);
    }

    /** Token ids of {@code text}, with the special tokens the tokenizer's post-processor adds (BOS) when asked. */
    public long[] encode(String text, boolean addSpecialTokens) {
        return hf.encode(text, addSpecialTokens, false).getIds();
    }

    /** The text of these ids; special tokens are kept unless {@code skipSpecial}. */
    public String decode(long[] ids, boolean skipSpecial) {
        return hf.decode(ids, skipSpecial);
    }

    /** The ids that end generation: generation_config.json's, else config.json's, plus tokenizer_config.json's eos_token. */
    public Set<Long> eosIds() { return eosIds; }

    /** tokenizer_config.json (empty when the checkpoint has none). */
    public Map<String, Object> config() { return tokenizerConfig; }

    /** The chat template of tokenizer_config.json, or null. */
    public String chatTemplate() {
        return tokenizerConfig.get("chat_template") instanceof String s ? s : null;
    }

    @Override
    public void close() {
        hf.close();
    }

    private static void addIds(Set<Long> out, Object v) {
        if (v instanceof Long l) out.add(l);
        else if (v instanceof List<?> list) for (Object o : list) if (o instanceof Long l) out.add(l);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> optionalJson(Path file, String shown) {
        if (!Files.isRegularFile(file)) return Map.of();
        try {
            Object v = Json.parse(Files.readString(file));
            if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
            throw new CheckpointException(shown + "/" + file.getFileName() + " is not a JSON object");
        } catch (IOException e) {
            throw new CheckpointException("cannot read '" + shown + "/" + file.getFileName() + "': " + e.getMessage());
        } catch (IllegalArgumentException e) {
            if (e instanceof CheckpointException c) throw c;
            throw new CheckpointException(shown + "/" + file.getFileName() + " is not valid JSON: " + e.getMessage());
        }
    }

    static List<Long> boxed(long[] ids) {
        List<Long> out = new ArrayList<>(ids.length);
        for (long id : ids) out.add(id);
        return out;
    }
}
