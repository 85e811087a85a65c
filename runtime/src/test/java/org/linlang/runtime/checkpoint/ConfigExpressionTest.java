package org.linlang.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigExpressionTest {
    private static final Map<String, Object> CONFIG = Map.of("hidden_size", 64L, "num_attention_heads", 4L, "eps", 1e-5, "odd", 3L,
            "time_step_limit", java.util.List.of(0.0, Double.POSITIVE_INFINITY), "name", "x");

    private static Number eval(String e) throws ConfigExpression.Missing {
        return ConfigExpression.evaluate(e, CONFIG);
    }

    @Test
    void integersStayIntegersAndFloatsFloats() throws Exception {
        assertEquals(8L, eval("(head_dim ?? hidden_size / num_attention_heads) / 2"));
        assertEquals(1e-5, eval("rms_norm_eps ?? eps"));
        assertEquals(10000.0, eval("rope_theta ?? 10000.0"));
        assertEquals(256L, eval("hidden_size * num_attention_heads"));
    }

    @Test
    void theFirstMissingFieldIsNamed() {
        assertEquals("a", assertThrows(ConfigExpression.Missing.class, () -> eval("a ?? b")).field);
    }

    @Test
    void integerDivisionMustBeExact() {
        assertEquals("config.json: hidden_size / odd needs 64 to be a multiple of 3",
                assertThrows(CheckpointException.class, () -> eval("hidden_size / odd")).getMessage());
    }

    @Test
    void listElementsAndInfinity() throws Exception {
        assertEquals(0.0, eval("time_step_limit[0]"));
        assertEquals(Double.POSITIVE_INFINITY, eval("time_step_limit[ 1 ] ?? 1.0"));
        assertEquals(Double.POSITIVE_INFINITY, eval("absent[1] ?? Infinity"));
        assertEquals("absent", assertThrows(ConfigExpression.Missing.class, () -> eval("absent[0]")).field);
        assertEquals("config.json field \"time_step_limit\" must be a list of at least 3 numbers, found [0.0, Infinity]",
                assertThrows(CheckpointException.class, () -> eval("time_step_limit[2]")).getMessage());
        assertEquals("config.json field \"name\" must be a list of at least 1 numbers, found \"x\"",
                assertThrows(CheckpointException.class, () -> eval("name[0]")).getMessage());
    }
}
