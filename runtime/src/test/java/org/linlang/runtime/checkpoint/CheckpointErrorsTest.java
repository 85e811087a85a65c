package org.linlang.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/** Every way a checkpoint folder can be broken gives one clear message: these are the exact messages. */
class CheckpointErrorsTest {
    @TempDir Path tmp;

    /** The message loading {@code dir} gives (config.json through the weights). */
    private static String loadError(Path dir) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> {
            try (Context context = TinyLlama.context()) {
                CausalLM.load(context, Checkpoint.open(dir, "ckpt"));
            }
        });
        return e.getMessage().replace(dir.toString(), "ckpt");
    }

    private Path copy() throws IOException {
        return TinyLlama.variant(tmp.resolve("ckpt"), w -> w, c -> c);
    }

    @Test
    void truncatedFile() throws IOException {
        Path dir = copy();
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1000));
        assertEquals("ckpt/model.safetensors: tensor 'lm_head.weight': data_offsets [323840, 400640] end past the data section of 399640 bytes (truncated file?)",
                loadError(dir));
    }

    @Test
    void headerLyingAboutOffsets() throws IOException {
        Path dir = copy();
        rewriteHeader(dir.resolve("model.safetensors"), "model.norm.weight", "\"data_offsets\":[0,256]");
        assertEquals("ckpt/model.safetensors: tensor 'model.norm.weight': bytes [0, 256) overlap tensor 'model.embed_tokens.weight' at [0, 76800)",
                loadError(dir));
        rewriteHeader(dir.resolve("model.safetensors"), "model.norm.weight", "\"data_offsets\":[0,512]");
        assertEquals("ckpt/model.safetensors: tensor 'model.norm.weight': data_offsets [0, 512] hold 512 bytes, but F32 shape [64] needs 256",
                loadError(dir));
    }

    /** Replaces the data_offsets of one tensor in a safetensors header, keeping the data as it is. */
    private static void rewriteHeader(Path file, String tensor, String offsets) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int n = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(bytes, 8, n, StandardCharsets.UTF_8).strip();
        String lying = header.replaceFirst("(\"" + java.util.regex.Pattern.quote(tensor) + "\":\\{[^}]*?)\"data_offsets\":\\[\\d+,\\d+\\]", "$1" + offsets);
        byte[] h = lying.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + bytes.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(bytes, 8 + n, bytes.length - 8 - n);
        Files.write(file, out.array());
    }

    @Test
    void unknownDtype() throws IOException {
        Path dir = copy();
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replaceFirst("\"dtype\":\"F32\"", "\"dtype\":\"U32\"");
        Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("ckpt/model.safetensors: tensor 'model.embed_tokens.weight': unknown dtype \"U32\", expected one of F32, F16, BF16, I32, I64, BOOL",
                loadError(dir));
    }

    @Test
    void wrongDtype() throws IOException {
        Path dir = TinyLlama.variant(tmp.resolve("ckpt"), w -> {
            w.put("model.norm.weight", Creation.zeros(DType.I32, 64));
            return w;
        }, c -> c);
        assertEquals("cannot load 'ckpt' into model LlamaForCausalLM(300, 64, 2, 2, 2, 8, 96): 1 problem\n"
                + "  wrong element type for model.norm.weight: expected f32, found i32", loadError(dir));
    }

    @Test
    void everyMissingUnexpectedAndMisShapedTensorIsListed() throws IOException {
        Path dir = TinyLlama.variant(tmp.resolve("ckpt"), w -> {
            w.remove("model.layers.0.mlp.up_proj.weight");
            w.remove("model.layers.1.self_attn.k_proj.weight");
            w.put("model.layers.0.self_attn.rotary_emb.inv_freq", Creation.zeros(8));
            w.put("model.layers.1.self_attn.q_proj.weight", Creation.zeros(32, 64));
            w.put("lm_head.weight", Creation.zeros(300, 32));
            return w;
        }, c -> c);
        assertEquals("cannot load 'ckpt' into model LlamaForCausalLM(300, 64, 2, 2, 2, 8, 96): 5 problems\n"
                + "  missing model.layers.0.mlp.up_proj.weight: expected f32[96, 64]\n"
                + "  wrong shape for model.layers.1.self_attn.q_proj.weight: expected [64, 64], found [32, 64]\n"
                + "  missing model.layers.1.self_attn.k_proj.weight: expected f32[32, 64]\n"
                + "  wrong shape for lm_head.weight: expected [300, 64], found [300, 32]\n"
                + "  unexpected model.layers.0.self_attn.rotary_emb.inv_freq: f32[8] (LlamaForCausalLM has no such parameter)",
                loadError(dir));
    }

    @Test
    void unreadableConfig() throws IOException {
        Path dir = copy();
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 64,,}");
        assertEquals("ckpt/config.json is not valid JSON: " + jsonError(dir), loadError(dir));
    }

    @Test
    void missingConfig() throws IOException {
        Path dir = copy();
        Files.delete(dir.resolve("config.json"));
        assertEquals("cannot read 'ckpt/config.json': no such file", loadError(dir));
    }

    @Test
    void unknownArchitecture() throws IOException {
        Path dir = TinyLlama.variant(tmp.resolve("ckpt"), w -> w, c -> c.replace("\"model_type\": \"llama\"", "\"model_type\": \"gpt2\""));
        // the list is every model type of std/arch/architectures.txt, in its order
        String known = String.join(", ", Architecture.all().stream().flatMap(a -> a.modelTypes().stream()).toList());
        assertEquals("ckpt/config.json: model_type \"gpt2\" has no architecture in Lin's standard library (it has " + known + ")", loadError(dir));
    }

    @Test
    void missingAndUnsupportedConfigFields() throws IOException {
        Path dir = TinyLlama.variant(tmp.resolve("ckpt"), w -> w, c -> c.replace("\"hidden_size\": 64,", "")
                .replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"")
                .replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 3"));
        assertEquals("ckpt/config.json: cannot configure LlamaForCausalLM:\n"
                + "  hidden_act is \"gelu\", but LlamaForCausalLM supports only \"silu\"\n"
                + "  field \"hidden_size\" is missing (LlamaForCausalLM parameter d = hidden_size)\n"
                + "  num_attention_heads / (num_key_value_heads ?? num_attention_heads) needs 3 to be a multiple of 2",
                loadError(dir));
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        Path dir = copy();
        Files.delete(dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"model.norm.weight\": \"model-00001-of-00002.safetensors\", \"lm_head.weight\": \"model-00002-of-00002.safetensors\"}}");
        Map<String, Tensor> w = TinyLlama.weights();
        org.linlang.runtime.tensor.SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), Map.of("lm_head.weight", w.get("lm_head.weight")));
        assertEquals("ckpt/model.safetensors.index.json does not match its shards:\n"
                + "  model.norm.weight is not in model-00001-of-00002.safetensors, where the index puts it\n"
                + "  shard model-00002-of-00002.safetensors is missing (the index puts 1 tensors there)", loadError(dir));
    }

    private static String jsonError(Path dir) throws IOException {
        try {
            org.linlang.runtime.tensor.Json.parse(Files.readString(dir.resolve("config.json")));
            return "(parsed)";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
