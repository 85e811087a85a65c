package org.linlang.runtime.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A line chart as SVG text, written by hand (no dependency): time against sequence length on log–log
 * axes, one line with markers per series, a legend, and decade grid lines. {@code lin bench --plot}.
 */
final class SvgPlot {
    private final String title;
    private final Map<String, List<double[]>> series = new LinkedHashMap<>(); // name -> (x, y) points
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    SvgPlot(String title) { this.title = title; }

    void add(String name, double x, double y) {
        if (y > 0 && Double.isFinite(y)) series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {x, y});
    }

    String render() {
        int w = 720, h = 460, left = 80, right = 200, top = 40, bottom = 60;
        double x0 = Double.MAX_VALUE, x1 = 0, y0 = Double.MAX_VALUE, y1 = 0;
        for (List<double[]> pts : series.values()) {
            for (double[] p : pts) {
                x0 = Math.min(x0, p[0]);
                x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]);
                y1 = Math.max(y1, p[1]);
            }
        }
        if (series.isEmpty()) { x0 = 1; x1 = 10; y0 = 1e-3; y1 = 1; }
        double lx0 = Math.log10(x0) - 0.05, lx1 = Math.log10(x1) + 0.05;
        double ly0 = Math.floor(Math.log10(y0)), ly1 = Math.ceil(Math.log10(y1));
        if (ly1 <= ly0) ly1 = ly0 + 1;
        int pw = w - left - right, ph = h - top - bottom;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", left, escape(title)));
        for (double d = ly0; d <= ly1 + 1e-9; d++) {
            double y = top + ph - (d - ly0) / (ly1 - ly0) * ph;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", left, y, left + pw, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left - 6, y + 4, seconds(Math.pow(10, d))));
        }
        for (List<double[]> pts : series.values()) {
            for (double[] p : pts) {
                double x = left + (Math.log10(p[0]) - lx0) / (lx1 - lx0) * pw;
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, top + ph + 18, (long) p[0]));
            }
            break;
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n", left, top, pw, ph));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">sequence length T (log scale)</text>%n", left + pw / 2, h - 18));
        s.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\" text-anchor=\"middle\">time per call (log scale)</text>%n",
                top + ph / 2, top + ph / 2));
        int i = 0;
        for (var e : series.entrySet()) {
            String c = COLORS[i % COLORS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : e.getValue()) {
                double x = left + (Math.log10(p[0]) - lx0) / (lx1 - lx0) * pw;
                double y = top + ph - (Math.log10(p[1]) - ly0) / (ly1 - ly0) * ph;
                path.append(path.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, c));
            }
            s.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", path, c));
            int ly = top + 10 + 20 * i;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    left + pw + 12, ly, left + pw + 32, ly, c));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", left + pw + 38, ly + 4, escape(e.getKey())));
            i++;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String seconds(double v) {
        if (v >= 1) return String.format(Locale.ROOT, "%.0f s", v);
        if (v >= 1e-3) return String.format(Locale.ROOT, "%.0f ms", v * 1e3);
        return String.format(Locale.ROOT, "%.0f µs", v * 1e6);
    }

    private static String escape(String t) { return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"); }
}
