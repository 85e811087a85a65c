package org.linlang.runtime.checkpoint;

import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.source.Source;

/**
 * {@code load(dir)} of a checkpoint folder in a running program: the folder's standard-library model,
 * constructed with config.json's arguments and loaded, as if the program had written
 * {@code import std.arch.llama.{LlamaForCausalLM}; LlamaForCausalLM(vocab = …, …).load(dir)}.
 */
public final class CheckpointModels {
    private CheckpointModels() {}

    public static Object build(TruffleLanguage.Env env, Checkpoint checkpoint, String path) {
        String code = "import " + checkpoint.architecture().module() + ".{" + checkpoint.architecture().model() + "}\n"
                + "let __model = " + checkpoint.architecture().constructorSource(checkpoint.arguments()) + "\n"
                + "__model.load(" + Checkpoint.linString(path) + ")\n"
                + "__model\n";
        Source source = Source.newBuilder("lin", code, "<load " + path + ">").build();
        return env.parsePublic(source).call();
    }
}
