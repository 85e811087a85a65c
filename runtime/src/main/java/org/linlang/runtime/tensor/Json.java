package org.linlang.runtime.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for safetensors headers and checkpoint configs, so the runtime needs no JSON library. Objects become
 * {@link LinkedHashMap}s in file order (duplicate keys are errors), arrays {@link List}s, integers
 * {@link Long}, other numbers {@link Double}. Like Python's json module (which writes transformers' config.json
 * files), it reads {@code Infinity}, {@code -Infinity} and {@code NaN} as doubles: Mamba-2 configs hold
 * {@code "time_step_limit": [0.0, Infinity]}. Errors are {@link IllegalArgumentException}s that give the
 * character position.
 */
public final class Json {
    private final String text;
    private int at;

    private Json(String text) { this.text = text; }

    public static Object parse(String text) {
        Json p = new Json(text);
        Object value = p.value();
        p.space();
        if (p.at != text.length()) throw p.error("unexpected text after the JSON value");
        return value;
    }

    /** A JSON string literal for {@code s}. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    private Object value() {
        space();
        if (at >= text.length()) throw error("unexpected end of text");
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            case 'I' -> word("Infinity", Double.POSITIVE_INFINITY);
            case 'N' -> word("NaN", Double.NaN);
            default -> {
                if (text.startsWith("-Infinity", at)) yield word("-Infinity", Double.NEGATIVE_INFINITY);
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        at++;
        space();
        if (peek('}')) return map;
        while (true) {
            space();
            if (at >= text.length() || text.charAt(at) != '"') throw error("expected a string key");
            int keyAt = at;
            String key = string();
            space();
            expect(':');
            Object value = value();
            if (map.containsKey(key)) {
                at = keyAt;
                throw error("duplicate key " + quote(key));
            }
            map.put(key, value);
            space();
            if (peek('}')) return map;
            expect(',');
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        at++;
        space();
        if (peek(']')) return list;
        while (true) {
            list.add(value());
            space();
            if (peek(']')) return list;
            expect(',');
        }
    }

    private String string() {
        StringBuilder b = new StringBuilder();
        at++; // opening quote
        while (true) {
            if (at >= text.length()) throw error("unterminated string");
            char c = text.charAt(at++);
            if (c == '"') return b.toString();
            if (c < 0x20) throw error("control character in string");
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (at >= text.length()) throw error("unterminated string");
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) throw error("truncated \\u escape");
                    try {
                        b.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private Object number() {
        int start = at;
        if (peek('-')) { /* sign consumed */ }
        boolean integral = true;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c >= '0' && c <= '9') at++;
            else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                at++;
            } else break;
        }
        String s = text.substring(start, at);
        try {
            if (integral) return Long.parseLong(s);
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            at = start;
            throw error("bad number '" + s + "'");
        }
    }

    private Object word(String word, Object value) {
        if (!text.startsWith(word, at)) throw error("unexpected character '" + text.charAt(at) + "'");
        at += word.length();
        return value;
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) at++;
    }

    private boolean peek(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) throw error(at >= text.length() ? "expected '" + c + "' but the text ended" : "expected '" + c + "'");
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " at character " + at);
    }
}
