package org.linlang.runtime.truffle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * The GPU's generic step kernel (compiler/…/codegen/GenericStepKernel) on PoCL against the
 * interpreter: every recurrence of the classification goldens that the fast GPU families do not
 * take (the general and nonlinear classes, KDA, several states, several writes — the set
 * GenericRecurrenceTest runs on the cpu engine), and a tanh EMA, called from a block with batch 2,
 * 3 heads, T = 37, 7 and 1 (one program per recurrence, so one plan), random inputs and random
 * initial states, output_final_state. Outputs and final states agree to relative RMS ≤ 1e-4 (f32
 * both; the interpreter computes its functions in double, the kernel in f32).
 */
class GenericStepKernelOpenClTest {
    @TempDir Path dir;

    private static final double TOLERANCE = 1e-4;
    private static final int[] STEPS = {37, 7, 1};

    @ParameterizedTest
    @ValueSource(strings = {
        "user_delta_product", "user_dplr", "user_emit_between_updates", "user_emit_nonlinear_state", "user_full_matrix",
        "user_hgrn1_scan", "user_host_condition", "user_kda_decay_after", "user_loop_update", "user_mamba1_elementwise",
        "user_overwritten", "user_square_state", "user_state_feeds_state", "user_state_in_if", "user_tanh_step", "user_two_keys",
        "user_value_side_gate", "user_kda", "user_two_states", "user_multi_write",
    })
    void goldenRecurrencesAgreeWithTheInterpreter(String golden) throws Exception {
        check(golden, Files.readString(GoldenRecurrenceProgram.GOLDENS.resolve(golden + ".lin")), GoldenRecurrenceProgram.SIZES);
    }

    /** An EMA through tanh, the recurrence the opencl engine used to refuse. */
    @Test
    void tanhEma() throws Exception {
        check("tanh_ema", TANH_EMA, GoldenRecurrenceProgram.SIZES);
    }

    /**
     * The same EMA at D = 2600: its five slots (13,000 floats) pass the local-memory budget, so the
     * kernel keeps them in a global scratch buffer per sequence (LaunchLimitsTest checks the form).
     */
    @Test
    void slotsInGlobalMemory() throws Exception {
        check("tanh_ema_wide", TANH_EMA, Map.of("D", 2600));
    }

    static final String TANH_EMA = """
            recurrence tanh_ema(x: [D]) -> [D]
                state m: [D] = 0
            {
                m = tanh(0.5 * m + x)
                emit m
            }
            """;

    private void check(String what, String source, Map<String, Integer> sizes) throws Exception {
        var program = GoldenRecurrenceProgram.of(what, source, sizes, STEPS);
        Map<String, Tensor> interp = run("interp", program), device = run("opencl", program);
        assertEquals(interp.keySet(), device.keySet());
        for (String k : interp.keySet()) {
            double e = DeviceCallsOpenClTest.relRms(interp.get(k), device.get(k));
            System.out.printf("%s %s on opencl: relative RMS error %.2e%n", what, k, e);
            assertTrue(e <= TOLERANCE, what + " " + k + ": relative RMS error " + e + " > " + TOLERANCE);
        }
    }

    private Map<String, Tensor> run(String engine, GoldenRecurrenceProgram program) throws Exception {
        Path out = dir.resolve(engine + ".safetensors");
        DeviceCallsOpenClTest.run(engine, program.savingTo(out), new ByteArrayOutputStream());
        return SafeTensors.read(out).tensors();
    }
}
