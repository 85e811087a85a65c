package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linlang.runtime.checkpoint.TinyLlama;
import org.linlang.runtime.tensor.SafeTensors;

/**
 * lin forward, generate and chat on the device engines: every architecture's tiny fixture on opencl (PoCL here)
 * gives its float64 reference's logits and streams the interpreter's greedy text; without an NVIDIA driver
 * {@code --engine cuda} fails in each command in one sentence (exit 1, no stack trace).
 */
class CheckpointDeviceEnginesTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final String LLAMA = TinyLlama.DIR.toString();

    /** `lin forward --engine opencl`: the whole model as device plans gives the reference's logits of every position. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_llama", "tiny_qwen3_next", "tiny_mamba2", "tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void forwardOnOpenClGivesEveryArchitecturesReferenceLogits(String fixture, @TempDir Path tmp) throws Exception {
        Path dir = FIXTURES.resolve(fixture), reference = FIXTURES.resolve(fixture + ".reference.safetensors"), out = tmp.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("forward", dir.toString(), "--ids", reference.toString(), "--out", out.toString(), "--engine", "opencl");
        assertEquals(0, r.exitCode(), r.output());
        float[] logits = SafeTensors.read(out).tensors().get("logits").toFloatArray();
        double error = TinyLlama.relativeError(logits, SafeTensors.read(reference).tensors().get("logits").toFloatArray());
        assertTrue(error <= 1e-4, fixture + ": logits off the reference by " + error);
    }

    /** `lin generate --engine opencl`: prefill, then one decode step per token on the session, streams interp's text. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_llama", "tiny_qwen3_next", "tiny_mamba2", "tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void generateOnOpenClStreamsTheInterpretersTextForEveryArchitecture(String fixture) {
        String dir = FIXTURES.resolve(fixture).toString();
        CliRunner.Result interp = CliRunner.run("generate", dir, "--prompt", "the cat sat", "--max-tokens", "8", "--ignore-eos");
        CliRunner.Result opencl = CliRunner.run("generate", dir, "--prompt", "the cat sat", "--max-tokens", "8", "--ignore-eos", "--engine", "opencl");
        assertEquals(0, opencl.exitCode(), opencl.output());
        assertTrue(opencl.output().endsWith("stopped by max tokens\n"), opencl.output());
        assertEquals(text(interp), text(opencl));
    }

    /** `lin chat --engine opencl`: each turn re-prefills the conversation on the device; the replies are interp's. */
    @Test
    void chatOnOpenClRepliesAsInterpDoes() {
        Chat interp = chat("interp"), opencl = chat("opencl");
        assertEquals(0, opencl.exitCode(), opencl.output());
        assertEquals(replies(interp.output()), replies(opencl.output()));
        assertEquals(2, replies(opencl.output()).size(), opencl.output());
    }

    @Test
    void cudaWithoutADriverFailsInOneSentenceInEachCommand(@TempDir Path tmp) {
        String ids = TinyLlama.REFERENCE.toString(), out = tmp.resolve("o.safetensors").toString();
        CliRunner.Result forward = CliRunner.run("forward", LLAMA, "--ids", ids, "--out", out, "--engine", "cuda");
        if (forward.exitCode() == LinCli.EXIT_OK) return; // a machine with an NVIDIA GPU runs it
        assertOneSentence("lin forward: ", forward.exitCode(), forward.output());
        CliRunner.Result generate = CliRunner.run("generate", LLAMA, "--prompt", "the cat", "--max-tokens", "2", "--engine", "cuda");
        assertOneSentence("lin generate: ", generate.exitCode(), generate.output());
        Chat chat = chat("cuda");
        assertOneSentence("lin chat: ", chat.exitCode(), chat.output());
    }

    private static void assertOneSentence(String prefix, int exitCode, String output) {
        assertEquals(LinCli.EXIT_ERRORS, exitCode, output);
        assertTrue(output.startsWith(prefix + "engine cuda: "), output);
        assertEquals(1, output.lines().count(), output);
        assertTrue(output.endsWith("(use --engine interp or auto)\n"), output);
    }

    /** The generated text: what comes before the statistics line. */
    private static String text(CliRunner.Result r) {
        return r.output().substring(0, r.output().lastIndexOf("prefill "));
    }

    private record Chat(int exitCode, String output) {}

    private static Chat chat(String engine) {
        var bytes = new ByteArrayOutputStream();
        var stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        var in = new ByteArrayInputStream("hello\nthe dog\n".getBytes(StandardCharsets.UTF_8));
        int code = LinCli.execute(new String[] {"chat", LLAMA, "--max-tokens", "4", "--engine", engine}, new Io(in, stream, stream, Map.of()));
        return new Chat(code, bytes.toString(StandardCharsets.UTF_8));
    }

    /** Each turn's reply: the text before its statistics line. */
    private static List<String> replies(String output) {
        return List.of(output.split("prefill \\d+ tokens in [^\n]*\n", -1)).stream().filter(s -> !s.isEmpty()).toList();
    }
}
