package org.linlang.runtime.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the CLI in this JVM with stdout and stderr captured together, in the order they were written. */
final class CliRunner {
    private CliRunner() {}

    record Result(int exitCode, String output) {}

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    static Result run(Map<String, String> env, String... args) {
        var bytes = new ByteArrayOutputStream();
        var stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = LinCli.execute(args, new Io(InputStream.nullInputStream(), stream, stream, env));
        stream.flush();
        return new Result(code, bytes.toString(StandardCharsets.UTF_8));
    }

    static Io io(ByteArrayOutputStream bytes, Map<String, String> env) {
        var stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        return new Io(InputStream.nullInputStream(), stream, stream, env);
    }
}
