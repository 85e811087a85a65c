package org.linlang.runtime.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.FileSystem;
import org.graalvm.polyglot.io.IOAccess;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.parse.Parsing;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * Lin embedded in a Java application.
 *
 * <pre>{@code
 * try (Lin lin = Lin.builder().allowRead(Path.of("weights")).build()) {
 *     lin.eval("let scale = 0.5");
 *     Program p = lin.load(Path.of("model.lin"));
 *     LinValue y = p.call("l2norm", Lin.tensor(new float[] {3, 4}, 2));
 *     float[] out = y.asFloatArray();   // shape y.shape()
 * }
 * }</pre>
 *
 * <p>A {@code Lin} is a session, like the REPL's: each {@link #eval} and {@link #load} is checked
 * against what earlier ones defined, and what it defines stays. It is secure by default: a program
 * reads and writes host files only under the folders {@link Builder#allowRead} and
 * {@link Builder#allowWrite} name (none by default), and cannot reach Java classes, the
 * environment, threads, processes or native code. Use one {@code Lin} from one thread at a time;
 * close it to free its memory.
 */
public final class Lin implements AutoCloseable {
    private final Context context;
    private final String engine;
    private int evals;

    private Lin(Context context, String engine) {
        this.context = context;
        this.engine = engine;
    }

    public static Builder builder() { return new Builder(); }

    /** A Lin with the defaults: the interp engine, no file access, output to System.out and System.err. */
    public static Lin create() { return builder().build(); }

    /** The engine that runs block and model calls: {@code interp}, {@code cpu}, {@code auto}, {@code opencl} or {@code cuda} (see {@link Builder#engine}). */
    public String engine() { return engine; }

    /** Checks and runs Lin code in this session; returns the value of its last statement if that is an expression. */
    public LinValue eval(String code) {
        return eval("<eval " + (++evals) + ">", code);
    }

    /** Like {@link #eval(String)}, naming the code in error messages (e.g. {@code "config.lin"}). */
    public LinValue eval(String name, String code) {
        return run(Source.newBuilder(LinLanguage.ID, code, name).mimeType(LinLanguage.SESSION_MIME_TYPE).cached(false).buildLiteral());
    }

    /**
     * Checks and runs a {@code .lin} file in this session (the embedder reads it; the program reads
     * only what the builder allows, except the modules it imports from next to it). Its definitions
     * stay for later code; the returned {@link Program} calls them.
     */
    public Program load(Path file) throws IOException {
        Source source = Source.newBuilder(LinLanguage.ID, file.toFile()).mimeType(LinLanguage.SESSION_MIME_TYPE).cached(false).build();
        LinValue result = run(source);
        Map<String, LinValue> definitions = new LinkedHashMap<>();
        List<String> functions = new ArrayList<>();
        Module module = Parsing.parse(new org.linlang.compiler.source.Source(file.toString(), source.getCharacters().toString()), new Diagnostics());
        Value bindings = context.getBindings(LinLanguage.ID);
        if (module != null) {
            for (Decl d : module.decls()) {
                String name = d.name().name();
                if (bindings.hasMember(name)) definitions.put(name, new LinValue(bindings.getMember(name)));
                if (d instanceof Decl.Fn && definitions.containsKey(name)) functions.add(name);
            }
        }
        return new Program(file, definitions, functions, result);
    }

    /**
     * Loads a Hugging Face checkpoint folder (config.json, model.safetensors or a sharded index, and
     * tokenizer.json if any) into this session as its standard-library architecture (see
     * docs/checkpoints.md). The builder must allow reading the folder. Problems are {@link LinException}s
     * with the loader's report (every missing, unexpected or mis-shaped tensor).
     */
    public LanguageModel loadCheckpoint(Path dir) {
        try {
            return LanguageModel.load(context, dir);
        } catch (IllegalArgumentException e) {
            throw LinException.runtime(e.getMessage());
        }
    }

    /** A name this session defined (a function, a variable, …), or null. */
    public LinValue get(String name) {
        Value bindings = context.getBindings(LinLanguage.ID);
        return bindings.hasMember(name) ? new LinValue(bindings.getMember(name)) : null;
    }

    /** The names this session defined that have a value. */
    public Set<String> names() {
        return new TreeSet<>(context.getBindings(LinLanguage.ID).getMemberKeys());
    }

    /** The polyglot context underneath, for what this class does not offer. */
    public Context polyglotContext() { return context; }

    private LinValue run(Source source) {
        try {
            return new LinValue(context.eval(source));
        } catch (PolyglotException e) {
            throw LinException.of(e);
        }
    }

    /** An f32 tensor with a copy of {@code data} (C order) and this shape, to pass to Lin functions. */
    public static Tensor tensor(float[] data, long... shape) {
        return Creation.of(data, shape);
    }

    /** An i64 tensor with a copy of {@code data} (C order) and this shape: token ids for a model, e.g. shape {@code 1, T}. */
    public static Tensor tensor(long[] data, long... shape) {
        return Creation.of(data, shape);
    }

    /** An f32 tensor over {@code data} (C order, little-endian) without copying it. */
    public static Tensor tensor(MemorySegment data, long... shape) {
        return HostValues.tensor(data, shape);
    }

    @Override
    public void close() {
        context.close(true);
    }

    /** How a {@link Lin} is made. Every method returns this builder. */
    public static final class Builder {
        private String engine = "interp";
        private final List<Path> read = new ArrayList<>();
        private final List<Path> write = new ArrayList<>();
        private Path workingDirectory;
        private OutputStream out = System.out;
        private OutputStream err = System.err;

        private Builder() {}

        /**
         * Which engine runs block and model calls, as {@code lin run --engine} does (the context option
         * {@code lin.Engine}): {@code interp} (the default, the Truffle interpreter); {@code cpu}, each call
         * compiled into a plan of the cpu engine, a call it cannot compile a {@link LinException} that says why;
         * {@code auto}, cpu where it can and interp for the rest, said once per block on the error stream.
         * {@code opencl} and {@code cuda}, each call a device plan on the generated GPU kernels as {@code lin run
         * --engine opencl} runs it (weights uploaded once per model, a session's states copied in and out per call;
         * what the kernels cannot run, or a machine without the device, is a {@link LinException} that says why).
         * Everything else in a program runs on interp.
         */
        public Builder engine(String name) {
            switch (name) {
                case "interp", "cpu", "auto", "opencl", "cuda" -> this.engine = name;
                default -> throw new IllegalArgumentException("unknown engine '" + name + "'; the engines are interp, cpu, auto, opencl and cuda");
            }
            return this;
        }

        /** Lets programs read files under these folders (and the folders below them). */
        public Builder allowRead(Path... folders) {
            read.addAll(List.of(folders));
            return this;
        }

        /** Lets programs create, replace and read files under these folders. */
        public Builder allowWrite(Path... folders) {
            write.addAll(List.of(folders));
            return this;
        }

        /** Where relative paths in programs start (default: the process's working directory). */
        public Builder workingDirectory(Path folder) {
            this.workingDirectory = folder.toAbsolutePath();
            return this;
        }

        /** Where {@code print} writes (default System.out). */
        public Builder out(OutputStream stream) {
            this.out = stream;
            return this;
        }

        /** Where warnings go (default System.err). */
        public Builder err(OutputStream stream) {
            this.err = stream;
            return this;
        }

        /**
         * The session. With engine cpu or auto the JVM must have the Vector API module, which the cpu engine's
         * kernels use ({@code --add-modules=jdk.incubator.vector}); without it this throws an
         * {@link IllegalStateException} saying so. The device engines do not need it.
         */
        public Lin build() {
            if ((engine.equals("cpu") || engine.equals("auto")) && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                throw new IllegalStateException("the " + engine + " engine needs the Vector API, an incubator module of the JDK: "
                        + "start the JVM with --add-modules=jdk.incubator.vector (or choose engine interp)");
            }
            IOAccess io = read.isEmpty() && write.isEmpty() && workingDirectory == null ? IOAccess.NONE
                    : IOAccess.newBuilder().fileSystem(FileSystem.allowInternalResourceAccess(new AllowedFolders(read, write, workingDirectory))).build();
            Context.Builder b = Context.newBuilder(LinLanguage.ID)
                    .in(InputStream.nullInputStream())
                    .out(out)
                    .err(err)
                    .allowIO(io)
                    .allowHostAccess(HostAccess.NONE)
                    .allowHostClassLookup(className -> false)
                    .allowHostClassLoading(false)
                    .allowNativeAccess(false)
                    .allowCreateThread(false)
                    .allowCreateProcess(false)
                    .allowEnvironmentAccess(EnvironmentAccess.NONE)
                    .allowPolyglotAccess(PolyglotAccess.NONE)
                    // Embedders run on whatever JVM they have; without the optimizing runtime Lin still runs.
                    .option("engine.WarnInterpreterOnly", "false")
                    .option("lin.Engine", engine);
            if (workingDirectory != null) b.currentWorkingDirectory(workingDirectory);
            return new Lin(b.build(), engine);
        }
    }
}
