package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsTheNonFiniteNumbersPythonsJsonWrites() {
        // transformers' save_pretrained writes Mamba-2's default time_step_limit (0.0, inf) like this
        assertEquals(Map.of("time_step_limit", List.of(0.0, Double.POSITIVE_INFINITY), "low", Double.NEGATIVE_INFINITY),
                Json.parse("{\"time_step_limit\": [0.0, Infinity], \"low\": -Infinity}"));
        assertTrue(((Double) Json.parse("NaN")).isNaN());
        assertEquals(-2L, Json.parse("-2"));
    }

    @Test
    void otherWordsAreStillErrors() {
        assertEquals("unexpected character 'I' at character 1",
                assertThrows(IllegalArgumentException.class, () -> Json.parse("[Inf]")).getMessage());
    }
}
