package org.linlang.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What each architecture's session carries, as lin generate's statistics line says it, from the state declarations. */
class SessionStatesTest {
    @Test
    void eachArchitectureSaysWhatItsSessionCarries() {
        assertEquals("KV caches", SessionStates.describe("std.arch.llama", "LlamaForCausalLM"));
        assertEquals("recurrent states, conv caches", SessionStates.describe("std.arch.mamba2", "Mamba2ForCausalLM"));
        assertEquals("recurrent states", SessionStates.describe("std.arch.fla_gla", "GLAForCausalLM"));
        assertEquals("recurrent states, conv caches", SessionStates.describe("std.arch.fla_delta_net", "DeltaNetForCausalLM"));
        assertEquals("recurrent states, conv caches, KV caches, positions", SessionStates.describe("std.arch.qwen3_next", "Qwen3NextForCausalLM"));
    }

    @Test
    void aModelWithoutStatesSaysSo() {
        assertEquals("no states", SessionStates.describe("std.nn", "Linear"));
    }
}
