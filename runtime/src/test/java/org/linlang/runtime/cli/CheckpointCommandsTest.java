package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.checkpoint.TinyLlama;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/** lin forward and lin generate on the tiny Llama fixture, and their errors (one line, no stack trace). */
class CheckpointCommandsTest {
    private static final String DIR = TinyLlama.DIR.toString();

    @TempDir Path tmp;

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"interp", "cpu", "auto"})
    void forwardWritesTheLogitsOfEveryPosition(String engine) throws Exception {
        Path out = tmp.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("forward", DIR, "--ids", TinyLlama.REFERENCE.toString(), "--out", out.toString(), "--engine", engine);
        assertEquals("logits: f32[1,11,300]\n", r.output());
        assertEquals(0, r.exitCode());
        Tensor logits = SafeTensors.read(out).tensors().get("logits");
        assertTrue(TinyLlama.relativeError(logits.toFloatArray(), TinyLlama.reference().get("logits").toFloatArray()) <= 1e-4);
    }

    @Test
    void forwardRefusesBadIdsAndEngines() throws Exception {
        Path ids = tmp.resolve("ids.safetensors");
        SafeTensors.write(ids, Map.of("tokens", Creation.of(new long[] {1, 2}, 1, 2)));
        CliRunner.Result r = CliRunner.run("forward", DIR, "--ids", ids.toString(), "--out", tmp.resolve("o.safetensors").toString());
        assertEquals("lin forward: " + ids + " has no tensor 'input_ids' (it has tokens)\n", r.output());
        assertEquals(1, r.exitCode());
        SafeTensors.write(ids, Map.of("input_ids", Creation.of(new float[] {1, 2}, 2)));
        r = CliRunner.run("forward", DIR, "--ids", ids.toString(), "--out", tmp.resolve("o.safetensors").toString());
        assertEquals("lin forward: " + ids + ": input_ids must be i64 [B, T], found f32[2]\n", r.output());
        r = CliRunner.run("forward", DIR, "--ids", ids.toString(), "--out", "o.safetensors", "--engine", "gpu");
        assertEquals("lin forward: unknown engine 'gpu'; choose interp, cpu, auto, opencl or cuda\n", r.output());
        assertEquals(2, r.exitCode());
    }

    @Test
    void forwardReportsABrokenCheckpointInOneMessage() throws Exception {
        Path dir = TinyLlama.variant(tmp.resolve("ckpt"), w -> w, c -> c);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\"");
        CliRunner.Result r = CliRunner.run("forward", dir.toString(), "--ids", TinyLlama.REFERENCE.toString(), "--out", tmp.resolve("o.safetensors").toString());
        assertTrue(r.output().startsWith("lin forward: " + dir + "/config.json is not valid JSON: "), r.output());
        assertTrue(!r.output().contains("Exception") && !r.output().contains("\tat "), r.output());
        assertEquals(1, r.exitCode());
    }

    @Test
    void generateStreamsTextAndReportsSpeeds() {
        CliRunner.Result r = CliRunner.run("generate", DIR, "--prompt", "the cat", "--max-tokens", "6");
        assertEquals(0, r.exitCode(), r.output());
        String[] lines = r.output().split("\n");
        String stats = lines[lines.length - 1];
        assertTrue(stats.matches("prefill 4 tokens in [0-9.]+ s \\([0-9.]+ tokens/s\\); decode 5 tokens in [0-9.]+ s \\([0-9.]+ tokens/s\\); "
                + "decode steps one token at a time on the model's session \\(KV caches\\); stopped by max tokens"), stats);
    }

    @Test
    void generateOnTheCpuEngineIsTheInterpretersGreedyText() {
        // the prompt prefilled and each token decoded by compiled plans: the same greedy continuation
        CliRunner.Result interp = CliRunner.run("generate", DIR, "--prompt", "the cat", "--max-tokens", "12", "--engine", "interp");
        CliRunner.Result cpu = CliRunner.run("generate", DIR, "--prompt", "the cat", "--max-tokens", "12", "--engine", "cpu");
        assertEquals(0, cpu.exitCode(), cpu.output());
        String text = interp.output().substring(0, interp.output().lastIndexOf("prefill "));
        assertEquals(text, cpu.output().substring(0, cpu.output().lastIndexOf("prefill ")));
        assertTrue(text.length() > 4, interp.output());
    }

    @Test
    void chatAnswersEachLineWithTheChatTemplate() {
        var bytes = new java.io.ByteArrayOutputStream();
        var stream = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        var in = new java.io.ByteArrayInputStream("hello\nthe dog\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int code = LinCli.execute(new String[] {"chat", DIR, "--max-tokens", "4"}, new Io(in, stream, stream, Map.of()));
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        // two turns, each with its statistics line; the second prefill holds the whole conversation so far
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("prefill (\\d+) tokens").matcher(out);
        assertTrue(m.find(), out);
        int first = Integer.parseInt(m.group(1));
        assertTrue(m.find(), out);
        assertTrue(Integer.parseInt(m.group(1)) > first + 4, out);
    }

    @Test
    void generateRefusesBadSampling() {
        CliRunner.Result r = CliRunner.run("generate", DIR, "--prompt", "x", "--top-p", "1.5");
        assertEquals("lin generate: top-p must be in (0, 1], got 1.5\n", r.output());
        assertEquals(2, r.exitCode());
    }
}
