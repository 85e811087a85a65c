package org.linlang.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.Test;
import org.linlang.runtime.checkpoint.TinyLlama;

/** load(dir) of a checkpoint folder gives its model, and m.generate works from Lin code as from Java. */
class ScriptGenerateTest {
    private static final String DIR = TinyLlama.DIR.toString();
    private static final String REF = TinyLlama.REFERENCE.toString();

    private static Value run(Context context, String code) {
        return context.eval(Source.newBuilder("lin", code, "generate_test.lin").buildLiteral());
    }

    @Test
    void loadOfAFolderGivesTheModelAndGenerateGivesTheReferenceIds() {
        try (Context context = TinyLlama.context()) {
            Value r = run(context, "let m = load(\"" + DIR + "\")\n"
                    + "let ref = load(\"" + REF + "\")\n"
                    + "let same = m.generate(ref[\"input_ids\"], max_tokens = 8) == ref[\"greedy\"]\n"
                    + "let text = m.generate(\"the cat\", max_tokens = 5)\n"
                    + "let text2 = m.generate(\"the cat\", max_tokens = 5)\n"
                    + "let result = (same, text == text2, len(text) > 0)\nresult\n");
            assertEquals("(tensor([true, true, true, true, true, true, true, true], bool[8]), true, true)", r.toString());
        }
    }

    @Test
    void aTypedModelLoadedFromAFolderGeneratesToo() {
        try (Context context = TinyLlama.context()) {
            Value r = run(context, "import std.arch.llama.{LlamaForCausalLM}\n"
                    + "let m = LlamaForCausalLM(vocab = 300, d = 64, n_layers = 2, kv_heads = 2, groups = 2, half_dim = 8, hidden = 96, eps = 1e-5, theta = 500.0)\n"
                    + "m.load(\"" + DIR + "\")\n"
                    + "let ids = m.generate(load(\"" + REF + "\")[\"input_ids\"][0], max_tokens = 4, temperature = 0.8, top_k = 10, seed = 3)\n"
                    + "ids.shape\n");
            assertEquals("[4]", r.toString());
        }
    }

    @Test
    void textNeedsTheTokenizerOfACheckpointFolder() {
        try (Context context = TinyLlama.context()) {
            PolyglotException e = assertThrows(PolyglotException.class, () -> run(context, "import std.arch.llama.{LlamaForCausalLM}\n"
                    + "let m = LlamaForCausalLM(vocab = 300, d = 64, n_layers = 1, kv_heads = 2, groups = 2, half_dim = 8, hidden = 96)\n"
                    + "m.generate(\"hello\")\n"));
            assertTrue(e.getMessage().startsWith("generate(text) needs a tokenizer: load the model from a checkpoint folder with tokenizer.json"), e.getMessage());
        }
    }
}
