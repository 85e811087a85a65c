package org.linlang.runtime.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.graalvm.polyglot.Context;
import org.linlang.runtime.checkpoint.Checkpoint;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.generate.ChatTemplate;
import org.linlang.runtime.generate.Conversation;
import org.linlang.runtime.generate.Generator;
import org.linlang.runtime.generate.Sampling;
import org.linlang.runtime.generate.TextTokenizer;
import org.linlang.runtime.truffle.engine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lin chat DIR}: a conversation on standard input, one user message per line. Each turn renders the
 * whole conversation with the checkpoint's chat template (tokenizer_config.json), feeds the session only
 * the tokens it has not seen ({@link Conversation}) and streams the reply until an end-of-sequence token.
 */
@Command(name = "chat",
        description = {"Chat with a checkpoint: one message per line on stdin, replies streamed to stdout.",
                "Uses the chat template of tokenizer_config.json. Example: lin chat ./tiny_llama --max-tokens 100"})
final class ChatCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "CHECKPOINT_DIR", description = "A folder with config.json, the weights, tokenizer.json and tokenizer_config.json.")
    Path dir;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message to start the conversation with.")
    String system;

    @Mixin GenerateCommand.SamplingOptions options = new GenerateCommand.SamplingOptions();

    @Option(names = "--engine", defaultValue = "interp", paramLabel = "ENGINE", description = "interp, cpu, auto, opencl or cuda; default: ${DEFAULT-VALUE}.")
    String engine;

    ChatCommand(Io io) {
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
                String source = tokenizer.chatTemplate();
                if (source == null) {
                    throw new CheckpointRun.Refused(LinCli.EXIT_ERRORS, dir + " has no chat_template in tokenizer_config.json; use lin generate for plain text");
                }
                ChatTemplate template = ChatTemplate.parse(source);
                Map<String, Object> specials = new HashMap<>();
                for (String k : new String[] {"bos_token", "eos_token", "pad_token", "unk_token"}) {
                    if (tokenizer.config().get(k) instanceof String s) specials.put(k, s);
                }
                CausalLM model = CausalLM.load(context, checkpoint);
                Sampling turn = options.stoppingAtEos(sampling, tokenizer);
                Conversation conversation = new Conversation(model::session);
                List<Map<String, String>> messages = new ArrayList<>();
                if (system != null) messages.add(Map.of("role", "system", "content", system));
                BufferedReader in = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.isBlank()) continue;
                    messages.add(Map.of("role", "user", "content", line));
                    long[] ids = tokenizer.encode(template.render(messages, true, specials), false);
                    Generator.Result r = Generator.generate(conversation.turn(ids), ids, turn, tokenizer, piece -> {
                        io.out().print(piece);
                        io.out().flush();
                    });
                    io.out().println();
                    io.err().println(r.statistics());
                    messages.add(Map.of("role", "assistant", "content", r.text()));
                }
            }
            return LinCli.EXIT_OK;
        } catch (CheckpointRun.Refused r) {
            io.err().println("lin chat: " + r.getMessage());
            return r.status;
        } catch (IllegalArgumentException | IOException e) {
            io.err().println("lin chat: " + e.getMessage());
            return LinCli.EXIT_ERRORS;
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }
}
