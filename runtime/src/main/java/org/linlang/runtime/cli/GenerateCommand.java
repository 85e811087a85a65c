package org.linlang.runtime.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.graalvm.polyglot.Context;
import org.linlang.runtime.checkpoint.Checkpoint;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.generate.Generator;
import org.linlang.runtime.generate.Sampling;
import org.linlang.runtime.generate.TextTokenizer;
import org.linlang.runtime.truffle.engine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lin generate DIR --prompt "…"}: tokenizes the prompt with the checkpoint's tokenizer.json,
 * generates, streams the text to standard output and prints the prefill and decode speeds on standard
 * error at the end.
 */
@Command(name = "generate",
        description = {"Generate text from a checkpoint: the prompt is tokenized with its tokenizer.json, the continuation streamed to stdout.",
                "Example: lin generate ./tiny_llama --prompt \"the cat\" --max-tokens 20 --temperature 0.8 --top-p 0.9 --seed 1"})
final class GenerateCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "CHECKPOINT_DIR", description = "A folder with config.json, the weights and tokenizer.json.")
    Path dir;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The text to continue.")
    String prompt;

    @Mixin SamplingOptions options = new SamplingOptions();

    @Option(names = "--engine", defaultValue = "interp", paramLabel = "ENGINE", description = "interp, cpu, auto, opencl or cuda; default: ${DEFAULT-VALUE}.")
    String engine;

    GenerateCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        try {
            Engine chosen = CheckpointRun.engine(engine);
            Sampling sampling = options.sampling();
            Checkpoint checkpoint = Checkpoint.open(dir, dir.toString()); // the folder and config.json first: their problems come first
            try (Context context = CheckpointRun.context(io, chosen);
                 TextTokenizer tokenizer = TextTokenizer.open(dir, dir.toString())) {
                CausalLM model = CausalLM.load(context, checkpoint);
                long[] ids = tokenizer.encode(prompt, !options.noSpecial);
                Generator.Result r = Generator.generate(model.session(), ids,
                        options.stoppingAtEos(sampling, tokenizer), tokenizer,
                        piece -> {
                            io.out().print(piece);
                            io.out().flush();
                        });
                io.out().println();
                io.err().println(r.statistics() + "; stopped by " + r.stop().name().toLowerCase().replace('_', ' '));
            }
            return LinCli.EXIT_OK;
        } catch (CheckpointRun.Refused r) {
            io.err().println("lin generate: " + r.getMessage());
            return r.status;
        } catch (IllegalArgumentException e) {
            io.err().println("lin generate: " + e.getMessage());
            return LinCli.EXIT_ERRORS;
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    /** The sampling options lin generate and lin chat share. */
    static final class SamplingOptions {
        @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "N", description = "At most N new tokens; default: ${DEFAULT-VALUE}.")
        int maxTokens;

        @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 is greedy; default: ${DEFAULT-VALUE}.")
        double temperature;

        @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Sample among the K most likely tokens (0: all).")
        int topK;

        @Option(names = "--top-p", defaultValue = "1", paramLabel = "P", description = "Sample among the most likely tokens whose probability reaches P.")
        double topP;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the sampler; default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--stop", paramLabel = "TEXT", description = "Stop when the text contains TEXT (repeatable).")
        List<String> stop = new ArrayList<>();

        @Option(names = "--stop-token", paramLabel = "ID", description = "Stop at this token id (repeatable), besides the checkpoint's end-of-sequence tokens.")
        List<Long> stopTokens = new ArrayList<>();

        @Option(names = "--ignore-eos", description = "Do not stop at the checkpoint's end-of-sequence tokens.")
        boolean ignoreEos;

        @Option(names = "--no-special", description = "Do not add the tokenizer's special tokens (BOS) to the prompt.")
        boolean noSpecial;

        Sampling sampling() throws CheckpointRun.Refused {
            try {
                return new Sampling(temperature, topK, topP, seed, maxTokens, new LinkedHashSet<>(stopTokens), stop);
            } catch (IllegalArgumentException e) {
                throw new CheckpointRun.Refused(LinCli.EXIT_USAGE, e.getMessage());
            }
        }

        /** {@code sampling} that also stops at the tokenizer's end-of-sequence tokens, unless --ignore-eos. */
        Sampling stoppingAtEos(Sampling sampling, TextTokenizer tokenizer) {
            if (ignoreEos) return sampling;
            Set<Long> stops = new LinkedHashSet<>(sampling.stopTokens());
            stops.addAll(tokenizer.eosIds());
            return sampling.withStopTokens(stops);
        }
    }
}
