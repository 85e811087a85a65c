package org.linlang.runtime.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The expressions of an architecture table (std/arch/NAME.json) that compute a model parameter from
 * config.json: field names, an element of a list field ({@code time_step_limit[1]}), numbers,
 * {@code Infinity}, {@code a ?? b} (a, or b where config.json lacks a or has null), {@code + - * /},
 * {@code //} (floor division), {@code int(e)} (Python's int(): towards zero) and parentheses. {@code /} of
 * two integers must divide exactly (a head count that does not divide the width is an error, not a silent
 * truncation); {@code //} and {@code int} are for the roundings the reference code does on purpose (fla's
 * MLP width: {@code 256 * ((int(d * ratio * 2 / 3.0) + 255) // 256)}). A dotted name reads a field of a
 * nested object ({@code rope_parameters.rope_theta}). {@code period(list, "a", "b")} reads a list of
 * layer kinds made of "a" and "b" only, with "a" at every k-th layer (layers k − 1, 2k − 1, …), and gives
 * k (the list's length + 1 when "a" never occurs); any other placement is an error naming it.
 *
 * <pre>
 *   expr    := sum ("??" sum)*                ; binds loosest
 *   sum     := product (("+" | "-") product)*
 *   product := atom (("*" | "//" | "/") atom)*
 *   atom    := NAME ("[" DIGITS "]")? | NUMBER | "Infinity" | "int" "(" expr ")" | "(" expr ")"
 *            | "period(" NAME "," STRING "," STRING ")"
 *   NAME    := word ("." word)*
 * </pre>
 */
final class ConfigExpression {
    /** A field of config.json that the expression needs and that is absent: the message names it. */
    static final class Missing extends Exception {
        private static final long serialVersionUID = 1L;
        final String field;

        Missing(String field) {
            super(field);
            this.field = field;
        }
    }

    private final String text;
    private final Map<String, Object> config;
    private int at;

    private ConfigExpression(String text, Map<String, Object> config) {
        this.text = text;
        this.config = config;
    }

    /** The value (a Long or a Double) of {@code text} over {@code config}. */
    static Number evaluate(String text, Map<String, Object> config) throws Missing {
        ConfigExpression e = new ConfigExpression(text, config);
        Number v = e.expr();
        e.space();
        if (e.at != text.length()) throw new IllegalStateException("architecture table: cannot read '" + text + "' at " + e.at);
        return v;
    }

    /** The first alternative whose fields are all present; the first missing field when none is. */
    private Number expr() throws Missing {
        Missing first = null;
        while (true) {
            int start = at;
            try {
                Number v = sum();
                while (eat("??")) skipProduct();
                return v;
            } catch (Missing m) {
                if (first == null) first = m;
                at = start;
                skipProduct();
                if (!eat("??")) throw first;
            }
        }
    }

    /** Advances over one alternative (a sum) without evaluating it. */
    private void skipProduct() {
        int depth = 0;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '(') depth++;
            else if (c == ')') {
                if (depth == 0) return;
                depth--;
            } else if (depth == 0 && text.startsWith("??", at)) return;
            at++;
        }
    }

    private Number sum() throws Missing {
        Number v = product();
        while (true) {
            if (eat("+")) v = add(v, product(), 1);
            else if (eat("-")) v = add(v, product(), -1);
            else return v;
        }
    }

    private Number product() throws Missing {
        Number v = atom();
        while (true) {
            if (eat("*")) v = multiply(v, atom());
            else if (eat("//")) v = floorDivide(v, atom());
            else if (eat("/")) v = divide(v, atom());
            else return v;
        }
    }

    private Number atom() throws Missing {
        space();
        if (eat("(")) {
            Number v = expr();
            if (!eat(")")) throw new IllegalStateException("architecture table: ')' missing in '" + text + "'");
            return v;
        }
        if (text.startsWith("int(", at)) {
            at += 3;
            Number v = atom();
            return v instanceof Long ? v : truncate(v.doubleValue());
        }
        int start = at;
        if (at < text.length() && (Character.isDigit(text.charAt(at)))) {
            while (at < text.length() && ("0123456789.eE".indexOf(text.charAt(at)) >= 0
                    || "-+".indexOf(text.charAt(at)) >= 0 && "eE".indexOf(text.charAt(at - 1)) >= 0)) at++;
            String n = text.substring(start, at);
            if (n.matches("\\d+")) return Long.valueOf(n); // (a ?: between long and double would widen to double)
            return Double.valueOf(n);
        }
        String name = name();
        if (name.equals("period") && eat("(")) return period();
        if (name.equals("Infinity")) return Double.POSITIVE_INFINITY;
        Object v = lookup(config, name);
        if (eat("[")) {
            space();
            int indexAt = at;
            while (at < text.length() && Character.isDigit(text.charAt(at))) at++;
            int indexEnd = at;
            if (indexAt == indexEnd || !eat("]")) throw new IllegalStateException("architecture table: bad index in '" + text + "'");
            int index = Integer.parseInt(text.substring(indexAt, indexEnd));
            if (v == null) throw new Missing(name);
            if (!(v instanceof List<?> list) || index >= list.size()) {
                throw new CheckpointException("config.json field \"" + name + "\" must be a list of at least " + (index + 1)
                        + " numbers, found " + describe(v));
            }
            v = list.get(index);
            name = name + "[" + index + "]";
        }
        if (v == null) throw new Missing(name);
        if (v instanceof Number n) return n;
        throw new CheckpointException("config.json field \"" + name + "\" must be a number, found " + describe(v));
    }

    private String name() {
        space();
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || "_.".indexOf(text.charAt(at)) >= 0)) at++;
        String name = text.substring(start, at);
        if (name.isEmpty()) throw new IllegalStateException("architecture table: cannot read '" + text + "' at " + start);
        return name;
    }

    /** The value of a field, a dotted name reading nested objects; null where any part is absent. */
    static Object lookup(Map<String, Object> config, String name) {
        Object v = config;
        for (String part : name.split("\\.")) {
            if (!(v instanceof Map<?, ?> m)) return null;
            v = m.get(part);
        }
        return v;
    }

    /** period(list, "a", "b") after its "(": the k with "a" exactly at layers k − 1, 2k − 1, … of the list. */
    private Number period() throws Missing {
        String name = name();
        String a = comma(), b = comma();
        if (!eat(")")) throw new IllegalStateException("architecture table: ')' missing in '" + text + "'");
        Object v = lookup(config, name);
        if (v == null) throw new Missing(name);
        if (!(v instanceof List<?> list) || !list.stream().allMatch(x -> a.equals(x) || b.equals(x))) {
            throw new CheckpointException("config.json field \"" + name + "\" must be a list of \"" + a + "\" and \"" + b + "\", found " + describe(v));
        }
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) if (a.equals(list.get(i))) found.add(i);
        long k = found.isEmpty() ? list.size() + 1 : found.get(0) + 1;
        List<Integer> periodic = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) if ((i + 1) % k == 0) periodic.add(i);
        if (!found.equals(periodic)) {
            throw new CheckpointException("config.json: " + name + " has \"" + a + "\" at layers " + found + ", not once every " + k
                    + " layers (at " + periodic + "), the only placement the model has");
        }
        return k;
    }

    /** ", \"text\"": the next string argument of a call. */
    private String comma() {
        if (!eat(",") || !eat("\"")) throw new IllegalStateException("architecture table: a string argument is missing in '" + text + "'");
        int end = text.indexOf('"', at);
        String s = text.substring(at, end);
        at = end + 1;
        return s;
    }

    private static Number add(Number a, Number b, int sign) {
        if (a instanceof Long x && b instanceof Long y) return Math.addExact(x, sign * y);
        return a.doubleValue() + sign * b.doubleValue();
    }

    private Number floorDivide(Number a, Number b) {
        if (a instanceof Long x && b instanceof Long y) {
            if (y == 0) throw new CheckpointException("config.json: " + text.trim() + " divides by zero");
            return Math.floorDiv(x, y);
        }
        return truncate(Math.floor(a.doubleValue() / b.doubleValue()));
    }

    private Long truncate(double v) {
        if (!Double.isFinite(v) || Math.abs(v) > 1e18) throw new CheckpointException("config.json: " + text.trim() + " is not a finite integer (" + v + ")");
        return (long) v;
    }

    private static Number multiply(Number a, Number b) {
        if (a instanceof Long x && b instanceof Long y) return Math.multiplyExact(x, y);
        return a.doubleValue() * b.doubleValue();
    }

    private Number divide(Number a, Number b) {
        if (a instanceof Long x && b instanceof Long y) {
            if (y == 0 || x % y != 0) {
                throw new CheckpointException("config.json: " + text.trim() + " needs " + x + " to be a multiple of " + y);
            }
            return x / y;
        }
        return a.doubleValue() / b.doubleValue();
    }

    private boolean eat(String token) {
        space();
        if (text.startsWith(token, at)) {
            at += token.length();
            return true;
        }
        return false;
    }

    private void space() {
        while (at < text.length() && text.charAt(at) == ' ') at++;
    }

    static String describe(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }
}
