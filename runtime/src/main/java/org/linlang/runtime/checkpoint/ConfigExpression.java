package org.linlang.runtime.checkpoint;

import java.util.Map;

/**
 * The expressions of an architecture table (std/arch/NAME.json) that compute a model parameter from
 * config.json: field names, numbers, {@code a ?? b} (a, or b where config.json lacks a or has null),
 * {@code + - * /}, {@code //} (floor division), {@code int(e)} (Python's int(): towards zero) and
 * parentheses. {@code /} of two integers must divide exactly (a head count that does not divide the width
 * is an error, not a silent truncation); {@code //} and {@code int} are for the roundings the reference
 * code does on purpose (fla's MLP width: {@code 256 * ((int(d * ratio * 2 / 3.0) + 255) // 256)}).
 *
 * <pre>
 *   expr    := sum ("??" sum)*                ; binds loosest
 *   sum     := product (("+" | "-") product)*
 *   product := atom (("*" | "//" | "/") atom)*
 *   atom    := NAME | NUMBER | "int" "(" expr ")" | "(" expr ")"
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
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) at++;
        String name = text.substring(start, at);
        if (name.isEmpty()) throw new IllegalStateException("architecture table: cannot read '" + text + "' at " + start);
        Object v = config.get(name);
        if (v == null) throw new Missing(name);
        if (v instanceof Number n) return n;
        throw new CheckpointException("config.json field \"" + name + "\" must be a number, found " + describe(v));
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
