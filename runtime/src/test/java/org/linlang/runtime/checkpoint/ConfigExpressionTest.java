package org.linlang.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
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
    void sumsFloorDivisionAndIntRoundAsPythonDoes() throws Exception {
        // fla's GatedMLP: intermediate_size = 256 * ceil(int(d * ratio * 2 / 3) / 256)
        String mlp = "intermediate_size ?? 256 * ((int(hidden_size * (hidden_ratio ?? 4) * 2 / 3.0) + 255) // 256)";
        assertEquals(256L, eval(mlp));
        assertEquals(5632L, ConfigExpression.evaluate(mlp, Map.of("hidden_size", 2048L)));
        assertEquals(96L, ConfigExpression.evaluate(mlp, Map.of("hidden_size", 2048L, "intermediate_size", 96L)));
        assertEquals(32L, eval("int(hidden_size * 0.5)"));
        assertEquals(-2L, eval("int(0 - 2.7)"));
        assertEquals(-3L, eval("(0 - 5) // 2"));
        assertEquals(61L, eval("hidden_size - odd"));
        assertEquals(1.5e-5, (Double) eval("eps + 5e-6"), 1e-20);
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
    void dottedNamesReadNestedObjects() throws Exception {
        Map<String, Object> config = Map.of("rope_parameters", Map.of("rope_theta", 1e6, "rope_type", "default"));
        assertEquals(1e6, ConfigExpression.evaluate("rope_parameters.rope_theta ?? rope_theta ?? 10000.0", config));
        assertEquals(10000.0, ConfigExpression.evaluate("rope_parameters.factor ?? nothing.here ?? 10000.0", config));
        assertEquals("default", ConfigExpression.lookup(config, "rope_parameters.rope_type"));
    }

    @Test
    void periodReadsAPeriodicListOfLayerKinds() throws Exception {
        List<String> lllA = List.of("linear_attention", "linear_attention", "linear_attention", "full_attention");
        String e = "period(layer_types, \"full_attention\", \"linear_attention\") ?? full_attention_interval ?? 4";
        assertEquals(4L, ConfigExpression.evaluate(e, Map.of("layer_types", lllA, "full_attention_interval", 2L)));
        assertEquals(2L, ConfigExpression.evaluate(e, Map.of("layer_types", List.of("linear_attention", "full_attention", "linear_attention"))));
        assertEquals(3L, ConfigExpression.evaluate(e, Map.of("layer_types", List.of("linear_attention", "linear_attention"))));
        assertEquals(2L, ConfigExpression.evaluate(e, Map.of("full_attention_interval", 2L)));
        assertEquals("config.json: layer_types has \"full_attention\" at layers [0, 2], not once every 1 layers (at [0, 1, 2]), the only placement the model has",
                assertThrows(CheckpointException.class, () -> ConfigExpression.evaluate(e,
                        Map.of("layer_types", List.of("full_attention", "linear_attention", "full_attention")))).getMessage());
        assertEquals("config.json field \"layer_types\" must be a list of \"full_attention\" and \"linear_attention\", found [full_attention, sliding_attention]",
                assertThrows(CheckpointException.class, () -> ConfigExpression.evaluate(e,
                        Map.of("layer_types", List.of("full_attention", "sliding_attention")))).getMessage());
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
