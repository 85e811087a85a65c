package org.linlang.runtime.generate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The chat template of tokenizer_config.json: a Jinja template, of which this reads the part chat
 * templates of the common families use — text, {@code {{ expr }}}, {@code {% if %}/{% elif %}/{% else %}},
 * {@code {% for x in xs %}} (with {@code loop.first}, {@code loop.last}, {@code loop.index0}),
 * {@code {% set x = expr %}}, whitespace control ({@code {%-}, {@code -%}}), string literals, {@code +},
 * list literals, {@code ==}, {@code !=}, {@code in}, {@code not in}, {@code and}, {@code or}, {@code not},
 * {@code is defined}, {@code is none}, {@code ~},
 * {@code x.y}, {@code x['y']}, {@code x[0]}, the filters {@code trim} and {@code length}, and
 * {@code raise_exception(msg)}. Anything else is refused with a message naming it, never rendered wrongly.
 */
public final class ChatTemplate {
    /** A template this reader cannot render, or one that raised an exception. */
    public static final class TemplateException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TemplateException(String message) { super(message); }
    }

    private sealed interface Node permits Text, Output, If, For, Set {}
    private record Text(String text) implements Node {}
    private record Output(String expr) implements Node {}
    private record If(List<String> conditions, List<List<Node>> branches) implements Node {}
    private record For(String var, String iterable, List<Node> body) implements Node {}
    private record Set(String var, String expr) implements Node {}

    private final List<Node> root;

    private ChatTemplate(List<Node> root) { this.root = root; }

    /** Parses a template; an unsupported statement is a {@link TemplateException}. */
    public static ChatTemplate parse(String template) {
        List<String[]> tokens = tokenize(template);
        int[] at = {0};
        List<Node> nodes = block(tokens, at, List.of());
        if (at[0] < tokens.size()) throw new TemplateException("chat template: unexpected {% " + tokens.get(at[0])[1] + " %}");
        return new ChatTemplate(nodes);
    }

    /** Renders the messages ({@code role}, {@code content}), with {@code add_generation_prompt} and the special tokens given. */
    public String render(List<Map<String, String>> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> env = new HashMap<>(extra);
        List<Object> ms = new ArrayList<>();
        for (Map<String, String> m : messages) ms.add(new LinkedHashMap<String, Object>(m));
        env.put("messages", ms);
        env.put("add_generation_prompt", addGenerationPrompt);
        StringBuilder out = new StringBuilder();
        run(root, env, out);
        return out.toString();
    }

    // ---- parsing --------------------------------------------------------------------------------

    /** Tokens: {"text", s}, {"out", expr}, {"stmt", statement}; whitespace control is applied here. */
    private static List<String[]> tokenize(String t) {
        List<String[]> out = new ArrayList<>();
        int i = 0;
        boolean trimNext = false;
        while (i < t.length()) {
            int open = nextOpen(t, i);
            String text = t.substring(i, open < 0 ? t.length() : open);
            if (trimNext) text = text.stripLeading();
            if (open < 0) {
                if (!text.isEmpty()) out.add(new String[] {"text", text});
                break;
            }
            boolean stmt = t.startsWith("{%", open), comment = t.startsWith("{#", open);
            String close = stmt ? "%}" : comment ? "#}" : "}}";
            int end = t.indexOf(close, open + 2);
            if (end < 0) throw new TemplateException("chat template: '" + t.substring(open, open + 2) + "' is never closed");
            String inner = t.substring(open + 2, end);
            boolean trimBefore = inner.startsWith("-"), trimAfter = inner.endsWith("-");
            if (trimBefore) text = text.stripTrailing();
            if (!text.isEmpty()) out.add(new String[] {"text", text});
            inner = inner.substring(trimBefore ? 1 : 0, inner.length() - (trimAfter && inner.length() > 1 ? 1 : 0)).strip();
            if (!comment) out.add(new String[] {stmt ? "stmt" : "out", inner});
            trimNext = trimAfter;
            i = end + 2;
        }
        return out;
    }

    private static int nextOpen(String t, int from) {
        int best = -1;
        for (String o : new String[] {"{{", "{%", "{#"}) {
            int k = t.indexOf(o, from);
            if (k >= 0 && (best < 0 || k < best)) best = k;
        }
        return best;
    }

    private static String keyword(String stmt) {
        int sp = stmt.indexOf(' ');
        return sp < 0 ? stmt : stmt.substring(0, sp);
    }

    private static List<Node> block(List<String[]> tokens, int[] at, List<String> enders) {
        List<Node> nodes = new ArrayList<>();
        while (at[0] < tokens.size()) {
            String[] tok = tokens.get(at[0]);
            if (tok[0].equals("text")) {
                nodes.add(new Text(tok[1]));
                at[0]++;
            } else if (tok[0].equals("out")) {
                nodes.add(new Output(tok[1]));
                at[0]++;
            } else {
                String kw = keyword(tok[1]);
                if (enders.contains(kw)) return nodes;
                at[0]++;
                switch (kw) {
                    case "if" -> {
                        List<String> conds = new ArrayList<>();
                        List<List<Node>> branches = new ArrayList<>();
                        conds.add(tok[1].substring(2).strip());
                        while (true) {
                            branches.add(block(tokens, at, List.of("elif", "else", "endif")));
                            if (at[0] >= tokens.size()) throw new TemplateException("chat template: {% if %} without {% endif %}");
                            String s = tokens.get(at[0]++)[1];
                            if (keyword(s).equals("endif")) break;
                            conds.add(keyword(s).equals("else") ? "true" : s.substring(4).strip());
                        }
                        nodes.add(new If(conds, branches));
                    }
                    case "for" -> {
                        String rest = tok[1].substring(3).strip();
                        int in = rest.indexOf(" in ");
                        if (in < 0) throw new TemplateException("chat template: cannot read {% " + tok[1] + " %}");
                        List<Node> body = block(tokens, at, List.of("endfor"));
                        if (at[0] >= tokens.size()) throw new TemplateException("chat template: {% for %} without {% endfor %}");
                        at[0]++;
                        nodes.add(new For(rest.substring(0, in).strip(), rest.substring(in + 4).strip(), body));
                    }
                    case "set" -> {
                        String rest = tok[1].substring(3).strip();
                        int eq = rest.indexOf('=');
                        if (eq < 0 || rest.substring(0, eq).contains(".")) {
                            throw new TemplateException("chat template: Lin reads only {% set name = expr %}, not {% " + tok[1] + " %}");
                        }
                        nodes.add(new Set(rest.substring(0, eq).strip(), rest.substring(eq + 1).strip()));
                    }
                    default -> throw new TemplateException("chat template: Lin's template reader does not support {% " + kw + " %}");
                }
            }
        }
        return nodes;
    }

    // ---- running --------------------------------------------------------------------------------

    private static void run(List<Node> nodes, Map<String, Object> env, StringBuilder out) {
        for (Node n : nodes) {
            switch (n) {
                case Text t -> out.append(t.text());
                case Output o -> out.append(str(new Expr(o.expr(), env).parse()));
                case Set s -> env.put(s.var(), new Expr(s.expr(), env).parse());
                case If f -> {
                    for (int i = 0; i < f.conditions().size(); i++) {
                        if (truthy(new Expr(f.conditions().get(i), env).parse())) {
                            run(f.branches().get(i), env, out);
                            break;
                        }
                    }
                }
                case For f -> {
                    Object xs = new Expr(f.iterable(), env).parse();
                    if (!(xs instanceof List<?> list)) throw new TemplateException("chat template: {% for %} over " + str(xs) + ", not a list");
                    Object savedVar = env.get(f.var()), savedLoop = env.get("loop");
                    for (int i = 0; i < list.size(); i++) {
                        env.put(f.var(), list.get(i));
                        env.put("loop", Map.of("first", i == 0, "last", i == list.size() - 1, "index0", (long) i, "index", (long) i + 1));
                        run(f.body(), env, out);
                    }
                    env.put(f.var(), savedVar);
                    env.put("loop", savedLoop);
                }
            }
        }
    }

    static boolean truthy(Object v) {
        if (v == null || v == UNDEFINED) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof Long l) return l != 0;
        if (v instanceof List<?> l) return !l.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    static String str(Object v) {
        return v == null ? "" : v instanceof Boolean b ? (b ? "True" : "False") : v.toString();
    }

    /** A recursive-descent reader and evaluator of one expression (or: and: not: compare: add: postfix: atom). */
    private static final class Expr {
        private final String s;
        private final Map<String, Object> env;
        private int at;

        Expr(String s, Map<String, Object> env) {
            this.s = s;
            this.env = env;
        }

        Object parse() {
            Object v = or();
            space();
            if (at != s.length()) throw new TemplateException("chat template: Lin's template reader cannot read '" + s.substring(at) + "' in {{ " + s + " }}");
            return v;
        }

        private Object or() {
            Object v = and();
            while (word("or")) {
                Object r = and();
                v = truthy(v) ? v : r;
            }
            return v;
        }

        private Object and() {
            Object v = not();
            while (word("and")) {
                Object r = not();
                v = truthy(v) ? r : v;
            }
            return v;
        }

        private Object not() {
            if (word("not")) return !truthy(not());
            return compare();
        }

        private Object compare() {
            Object v = add();
            while (true) {
                if (eat("==")) v = Objects.equals(v, add());
                else if (eat("!=")) v = !Objects.equals(v, add());
                else if (word("is")) {
                    boolean negate = word("not");
                    boolean r;
                    if (word("defined")) r = v != UNDEFINED;
                    else if (word("none")) r = v == null || v == UNDEFINED;
                    else if (word("string")) r = v instanceof String;
                    else throw new TemplateException("chat template: Lin's template reader does not support the test in '" + s + "'");
                    v = negate != r;
                } else if (word("in")) {
                    v = contains(add(), v);
                } else {
                    int before = at;
                    if (word("not") && word("in")) v = !contains(add(), v);
                    else {
                        at = before;
                        return v;
                    }
                }
            }
        }

        private static boolean contains(Object container, Object v) {
            return container instanceof Map<?, ?> m ? m.containsKey(v) : container instanceof List<?> l ? l.contains(v)
                    : container instanceof String str && v instanceof String sub && str.contains(sub);
        }

        private Object add() {
            Object v = postfix();
            while (true) {
                space();
                if (at < s.length() && (s.charAt(at) == '+' || s.charAt(at) == '~')) {
                    at++;
                    Object r = postfix();
                    v = v instanceof Long a && r instanceof Long b ? (Object) (a + b) : str(v) + str(r);
                } else return v;
            }
        }

        private Object postfix() {
            Object v = atom();
            while (true) {
                if (eat(".")) {
                    String name = name();
                    v = member(v, name);
                } else if (eat("[")) {
                    Object key = or();
                    expect("]");
                    v = key instanceof Long i && v instanceof List<?> l ? (i < 0 ? l.get((int) (l.size() + i)) : l.get((int) (long) i)) : member(v, str(key));
                } else if (eat("|")) {
                    String filter = name();
                    v = switch (filter) {
                        case "trim" -> str(v).strip();
                        case "length" -> v instanceof List<?> l ? (long) l.size() : (long) str(v).length();
                        default -> throw new TemplateException("chat template: Lin's template reader does not support the filter '" + filter + "'");
                    };
                } else return v;
            }
        }

        private Object member(Object v, String name) {
            if (v instanceof Map<?, ?> m) return m.containsKey(name) ? m.get(name) : UNDEFINED;
            throw new TemplateException("chat template: cannot read '" + name + "' of " + str(v) + " in '" + s + "'");
        }

        private Object atom() {
            space();
            if (at >= s.length()) throw new TemplateException("chat template: an expression ends early: '" + s + "'");
            char c = s.charAt(at);
            if (c == '\'' || c == '"') return string(c);
            if (c == '[') {
                at++;
                List<Object> items = new ArrayList<>();
                while (!eat("]")) {
                    if (!items.isEmpty()) expect(",");
                    items.add(or());
                }
                return items;
            }
            if (c == '(') {
                at++;
                Object v = or();
                expect(")");
                return v;
            }
            if (Character.isDigit(c)) {
                int start = at;
                while (at < s.length() && Character.isDigit(s.charAt(at))) at++;
                return Long.parseLong(s.substring(start, at));
            }
            String name = name();
            switch (name) {
                case "true", "True": return true;
                case "false", "False": return false;
                case "none", "None": return null;
                case "raise_exception": {
                    expect("(");
                    Object msg = or();
                    expect(")");
                    throw new TemplateException("the chat template refused the conversation: " + str(msg));
                }
                default:
                    if (peek("(")) throw new TemplateException("chat template: Lin's template reader does not support calling '" + name + "'");
                    return env.containsKey(name) ? env.get(name) : UNDEFINED;
            }
        }

        private String string(char quote) {
            StringBuilder b = new StringBuilder();
            at++;
            while (at < s.length() && s.charAt(at) != quote) {
                char c = s.charAt(at++);
                if (c == '\\' && at < s.length()) {
                    char e = s.charAt(at++);
                    b.append(switch (e) { case 'n' -> '\n'; case 't' -> '\t'; default -> e; });
                } else b.append(c);
            }
            expect(String.valueOf(quote));
            return b.toString();
        }

        private String name() {
            space();
            int start = at;
            while (at < s.length() && (Character.isLetterOrDigit(s.charAt(at)) || s.charAt(at) == '_')) at++;
            if (start == at) throw new TemplateException("chat template: Lin's template reader cannot read '" + s.substring(start) + "' in '" + s + "'");
            return s.substring(start, at);
        }

        private boolean word(String w) {
            space();
            if (s.startsWith(w, at) && (at + w.length() == s.length() || !Character.isLetterOrDigit(s.charAt(at + w.length())) && s.charAt(at + w.length()) != '_')) {
                at += w.length();
                return true;
            }
            return false;
        }

        private boolean peek(String t) {
            space();
            return s.startsWith(t, at);
        }

        private boolean eat(String t) {
            if (!peek(t)) return false;
            at += t.length();
            return true;
        }

        private void expect(String t) {
            if (!eat(t)) throw new TemplateException("chat template: '" + t + "' expected in '" + s + "'");
        }

        private void space() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) at++;
        }
    }

    /** Jinja's undefined: false, empty when printed, {@code is defined} is false. */
    private static final Object UNDEFINED = new Object() {
        @Override public String toString() { return ""; }
    };
}
