package org.linlang.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.graalvm.polyglot.Engine;
import org.linlang.runtime.truffle.LinLanguage;
import picocli.CommandLine.IVersionProvider;

/** {@code lin --version}: Lin's version, the JDK, and which Truffle runtime is active. */
public final class VersionInfo implements IVersionProvider {
    /** What Truffle calls its fallback runtime (no JIT compiler: every Lin program is interpreted). */
    static final String FALLBACK_RUNTIME_NAME = "Interpreted";

    @Override
    public String[] getVersion() {
        Properties p = properties();
        String runtime = truffleRuntimeName();
        boolean optimizing = !runtime.equals(FALLBACK_RUNTIME_NAME);
        return new String[] {
            "lin " + p.getProperty("version", "unknown"),
            "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ", "
                    + System.getProperty("java.home") + ")",
            "Truffle " + p.getProperty("truffle", "unknown") + ": " + (optimizing
                    ? "optimizing runtime (" + runtime + ", Graal JIT compiler)"
                    : "fallback runtime, interpreter only (no JIT compilation; the ./lin launcher starts the optimizing runtime)")
        };
    }

    /** The name of the active Truffle runtime, as the polyglot engine reports it. */
    public static String truffleRuntimeName() {
        try (Engine engine = Engine.newBuilder(LinLanguage.ID).option("engine.WarnInterpreterOnly", "false").build()) {
            return engine.getImplementationName();
        }
    }

    static Properties properties() {
        var p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("/org/linlang/runtime/version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // leave the versions unknown
        }
        return p;
    }
}
