package org.linlang.runtime.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.graalvm.polyglot.Context;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.engine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lin forward DIR --ids IDS.safetensors --out OUT.safetensors}: the logits of every position of a
 * checkpoint's model, the hook for parity checks against other implementations.
 */
@Command(name = "forward",
        description = {"Run a checkpoint's model on token ids and write the logits of every position.",
                "Reads the int tensor input_ids [B, T]; writes logits [B, T, vocab] (f32).",
                "Example: lin forward ./tiny_llama --ids ids.safetensors --out logits.safetensors"})
final class ForwardCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "CHECKPOINT_DIR", description = "A folder with config.json and model.safetensors (or a sharded index).")
    Path dir;

    @Option(names = "--ids", required = true, paramLabel = "FILE", description = "A safetensors file with input_ids: i64 (or i32) [B, T].")
    Path ids;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where logits [B, T, vocab] (f32) go.")
    Path out;

    @Option(names = "--engine", defaultValue = "interp", paramLabel = "ENGINE", description = "interp, cpu, auto, opencl or cuda; default: ${DEFAULT-VALUE}.")
    String engine;

    ForwardCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        try {
            Engine chosen = CheckpointRun.engine(engine);
            Tensor input = readIds();
            try (Context context = CheckpointRun.context(io, chosen)) {
                CausalLM model = CheckpointRun.load(context, dir);
                Tensor logits = model.logits(input);
                Map<String, Tensor> result = new LinkedHashMap<>();
                result.put("logits", logits);
                try {
                    SafeTensors.write(out, result);
                } catch (IOException e) {
                    throw new CheckpointRun.Refused(LinCli.EXIT_ERRORS, "cannot write " + out + ": " + e.getMessage());
                }
                io.out().println("logits: f32" + Arrays.toString(logits.shape()).replace(" ", ""));
            }
            return LinCli.EXIT_OK;
        } catch (CheckpointRun.Refused r) {
            io.err().println("lin forward: " + r.getMessage());
            return r.status;
        } catch (IllegalArgumentException e) {
            io.err().println("lin forward: " + e.getMessage());
            return LinCli.EXIT_ERRORS;
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    private Tensor readIds() throws CheckpointRun.Refused {
        Map<String, Tensor> tensors;
        try {
            tensors = SafeTensors.read(ids).tensors();
        } catch (NoSuchFileException e) {
            throw new CheckpointRun.Refused(LinCli.EXIT_ERRORS, "cannot read " + ids + ": no such file");
        } catch (IOException e) {
            throw new CheckpointRun.Refused(LinCli.EXIT_ERRORS, e.getMessage());
        }
        Tensor t = tensors.get("input_ids");
        if (t == null) {
            throw new CheckpointRun.Refused(LinCli.EXIT_ERRORS, ids + " has no tensor 'input_ids' (it has " + String.join(", ", tensors.keySet()) + ")");
        }
        if ((t.dtype() != DType.I64 && t.dtype() != DType.I32) || t.rank() != 2) {
            throw new CheckpointRun.Refused(LinCli.EXIT_ERRORS, ids + ": input_ids must be i64 [B, T], found " + t.dtype().lin()
                    + Arrays.toString(t.shape()).replace(" ", ""));
        }
        return t.to(DType.I64);
    }
}
