package org.linlang.examples.embed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.linlang.runtime.api.Lin;
import org.linlang.runtime.api.LinException;
import org.linlang.runtime.api.LinValue;
import org.linlang.runtime.api.Program;

/**
 * Embedding Lin in a Java application: evaluate code, load a program and call its functions with Java
 * values (numbers, float arrays), read results back, handle errors, limit what files the program
 * may touch, and choose the engine that runs block calls.
 *
 * <p>Run: {@code java -cp … org.linlang.examples.embed.EmbedExample [scoring.lin]}, or see README.md.
 */
public final class EmbedExample {
    private EmbedExample() {}

    public static void main(String[] args) throws IOException {
        run(Path.of(args.length > 0 ? args[0] : "scoring.lin"), System.out);
    }

    static void run(Path programFile, PrintStream out) throws IOException {
        Path folder = programFile.toAbsolutePath().getParent();
        // Secure by default: the program may read files only under `folder`, write none, and reach no
        // Java classes, environment variables, threads or processes.
        try (Lin lin = Lin.builder().allowRead(folder).out(out).build()) {
            // 1. Evaluate code; values come back as Java values.
            out.println("2 + 3 = " + lin.eval("2 + 3").asLong());

            // 2. A Lin is a session: what one eval defines, later ones use.
            lin.eval("let base = 10");
            out.println("base * 4 = " + lin.eval("base * 4").asLong());

            // 3. Load a file (checked first: types and shapes) and call its functions.
            Program program = lin.load(programFile);
            out.println("functions: " + program.functions());
            double score = program.call("score", 4.0).asDouble();
            out.printf("score(4.0) = %.4f%n", score);
            out.printf("score(4.0, temperature = 2.0) = %.4f%n", program.call("score", 4.0, 2.0).asDouble());

            // 4. Tensors: a float[] (a vector) or Lin.tensor(data, shape) in, a float[] and its shape out.
            LinValue unit = program.call("normalize", new float[] {3, 4});
            out.println("normalize([3, 4]) = " + Arrays.toString(unit.asFloatArray()) + ", shape " + Arrays.toString(unit.shape()));
            LinValue rows = program.call("normalize", Lin.tensor(new float[] {1, 0, 0, 2}, 2, 2));
            out.println("normalize([[1, 0], [0, 2]]) = " + Arrays.toString(rows.asFloatArray()) + ", shape " + Arrays.toString(rows.shape()));

            // 5. Errors are LinExceptions that say where and why, like the command line does.
            try {
                program.call("score", -1.0);
            } catch (LinException e) {
                out.println("score(-1.0) fails (" + e.kind() + "):");
                out.println(e.getMessage());
            }

            // 6. The sandbox: a file outside the allowed folder is refused before it is opened.
            Path outside = folder.getParent().resolve("weights.safetensors");
            try {
                lin.eval("let w = load(\"" + outside + "\")");
            } catch (LinException e) {
                out.println("load outside the folder: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }

        // 7. The engine: block and model calls run on the interpreter by default; engine("cpu") compiles each
        // call into a plan of the cpu engine (a call it cannot compile is a LinException saying why), and
        // engine("auto") uses cpu where it can and the interpreter for the rest.
        try (Lin lin = Lin.builder().engine("cpu").allowRead(folder).out(out).build()) {
            lin.load(programFile);
            LinValue attend = lin.eval("Attend(2)");
            LinValue y = attend.call(Lin.tensor(new float[] {1, 2, 3, 4}, 1, 2, 1, 2));   // [B, T, H, d]
            out.println("on " + lin.engine() + ": Attend(2)([[1, 2], [3, 4]]) = " + Arrays.toString(y.asFloatArray()));
        }
    }
}
