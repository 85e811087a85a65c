package org.linlang.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chat templates: the constructs the common families use, rendered as Jinja would, and clear refusals. */
class ChatTemplateTest {
    private static final List<Map<String, String>> CONVERSATION = List.of(
            Map.of("role", "system", "content", "  Be brief.  "),
            Map.of("role", "user", "content", "Hi"),
            Map.of("role", "assistant", "content", "Hello!"),
            Map.of("role", "user", "content", "Bye"));

    @Test
    void chatMlStyle() {
        ChatTemplate t = ChatTemplate.parse("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
                + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", t.render(CONVERSATION.subList(1, 2), true, Map.of()));
    }

    @Test
    void headerStyleWithSetLoopTrimAndWhitespaceControl() {
        String source = """
                {{- bos_token }}
                {%- if messages[0].role == 'system' %}
                    {%- set system = messages[0].content | trim %}
                    {%- set rest = 1 %}
                {%- else %}
                    {%- set system = 'You are helpful.' %}
                {%- endif %}
                {{- '<|start|>system<|end|>' + system + '<|eot|>' }}
                {%- for m in messages %}
                    {%- if loop.first and m.role == 'system' %}{%- elif m.role not in ['user', 'assistant'] %}
                        {{- raise_exception('roles must be user or assistant') }}
                    {%- else %}
                        {{- '<|start|>' ~ m.role ~ '<|end|>' ~ m.content | trim ~ '<|eot|>' }}
                    {%- endif %}
                {%- endfor %}
                {%- if add_generation_prompt is defined and add_generation_prompt %}{{ '<|start|>assistant<|end|>' }}{% endif %}""";
        ChatTemplate t = ChatTemplate.parse(source);
        assertEquals("<s><|start|>system<|end|>Be brief.<|eot|><|start|>user<|end|>Hi<|eot|><|start|>assistant<|end|>Hello!<|eot|>"
                + "<|start|>user<|end|>Bye<|eot|><|start|>assistant<|end|>", t.render(CONVERSATION, true, Map.of("bos_token", "<s>")));
        ChatTemplate.TemplateException e = assertThrows(ChatTemplate.TemplateException.class,
                () -> t.render(List.of(Map.of("role", "tool", "content", "x")), false, Map.of("bos_token", "<s>")));
        assertEquals("the chat template refused the conversation: roles must be user or assistant", e.getMessage());
    }

    @Test
    void unsupportedConstructsAreNamed() {
        assertEquals("chat template: Lin's template reader does not support {% macro %}",
                assertThrows(ChatTemplate.TemplateException.class, () -> ChatTemplate.parse("{% macro f() %}x{% endmacro %}")).getMessage());
        ChatTemplate t = ChatTemplate.parse("{{ messages | tojson }}");
        assertEquals("chat template: Lin's template reader does not support the filter 'tojson'",
                assertThrows(ChatTemplate.TemplateException.class, () -> t.render(CONVERSATION, false, Map.of())).getMessage());
    }
}
