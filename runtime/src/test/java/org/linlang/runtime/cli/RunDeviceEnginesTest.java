package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code lin run FILE --engine opencl|cuda} from the command line: an example's calls and session run
 * on PoCL, cuda without a driver is one sentence at the call's source line, and the help lists the
 * engines. The numbers are checked against the interpreter in DeviceCallsOpenClTest.
 */
class RunDeviceEnginesTest {
    @Test
    void anExampleRunsWithItsSessionOnOpenCl() {
        CliRunner.Result r = CliRunner.run("run", "../examples/linear_attention.lin", "--engine", "opencl");
        assertEquals(LinCli.EXIT_OK, r.exitCode(), r.output());
        assertTrue(r.output().contains("prefill 8 + 4 steps equals one prefill of 12: true"), r.output());
    }

    @Test
    void cudaWithoutADriverIsOneSentenceAtTheCall() {
        CliRunner.Result r = CliRunner.run("run", "../examples/gla.lin", "--engine", "cuda");
        if (r.exitCode() == LinCli.EXIT_OK) return; // a machine with an NVIDIA GPU runs it
        assertEquals(LinCli.EXIT_ERRORS, r.exitCode(), r.output());
        assertTrue(r.output().startsWith("../examples/gla.lin:10:14: error: engine cuda: "), r.output());
        assertTrue(r.output().lines().findFirst().orElseThrow().endsWith("(use --engine interp or auto)"), r.output());
    }

    @Test
    void theHelpListsTheEngines() {
        String help = CliRunner.run("run", "--help").output().replaceAll("\\s+", " ");
        assertTrue(help.contains("interp, cpu (compiled plans), auto (cpu where it can, else interp), opencl or cuda (device plans)"), help);
    }
}
