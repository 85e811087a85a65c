package org.linlang.runtime.checkpoint;

import java.util.Map;

/**
 * The expressions of an architecture table (std/arch/NAME.json) that compute a model parameter from
 * config.json: field names, an element of a list field ({@code time_step_limit[1]}), numbers,
 * {@code Infinity}, {@code a ?? b} (a, or b where config.json lacks a or has null), {@code *}, {@code /}
 * and parentheses. {@code /} of two integers must divide exactly (a head count that does not divide the
 * width is an error, not a silent truncation).
 *
 * <pre>
 *   expr    := product ("??" product)*        ; binds loosest
 *   product := atom (("*" | "/") atom)*
 *   atom    := NAME ("[" DIGITS "]")? | NUMBER | "Infinity" | "(" expr ")"
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
                Number v = product();
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

    /** Advances over one product without evaluating it. */
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

    private Number product() throws Missing {
        Number v = atom();
        while (true) {
            if (eat("*")) v = multiply(v, atom());
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
        int start = at;
        if (at < text.length() && (Character.isDigit(text.charAt(at)))) {
            while (at < text.length() && "0123456789.eE-+".indexOf(text.charAt(at)) >= 0) at++;
            String n = text.substring(start, at);
            if (n.matches("\\d+")) return Long.valueOf(n); // (a ?: between long and double would widen to double)
            return Double.valueOf(n);
        }
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) at++;
        String name = text.substring(start, at);
        if (name.isEmpty()) throw new IllegalStateException("architecture table: cannot read '" + text + "' at " + start);
        if (name.equals("Infinity")) return Double.POSITIVE_INFINITY;
        Object v = config.get(name);
        if (eat("[")) {
            space();
            int indexAt = at;
            while (at < text.length() && Character.isDigit(text.charAt(at))) at++;
            int indexEnd = at;
            if (indexAt == indexEnd || !eat("]")) throw new IllegalStateException("architecture table: bad index in '" + text + "'");
            int index = Integer.parseInt(text.substring(indexAt, indexEnd));
            if (v == null) throw new Missing(name);
            if (!(v instanceof java.util.List<?> list) || index >= list.size()) {
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
