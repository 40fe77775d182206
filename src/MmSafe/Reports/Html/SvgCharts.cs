using System.Text;
using MmSafe.Scoring;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>
/// Small SVG charts written here (no plotting library, no script): horizontal bars with 95%
/// interval whiskers, grouped bars, and stacked bars. Colours are presentation attributes, not
/// style attributes, so the page's Content-Security-Policy needs no 'unsafe-inline'.
/// </summary>
internal static class SvgCharts
{
    private const int LabelWidth = 260, PlotWidth = 420, Row = 22;
    public static readonly string[] Palette = ["#2f7d4f", "#e0a526", "#c0392b", "#4a6fa5"];

    /// <summary>The bar colour of a metric: blue when higher is better, red when lower is (a long bar is then the bad news).</summary>
    public static string Colour(Metric metric) => metric.HigherIsBetter ? "#4a6fa5" : Palette[2];

    public static string Bars(string title, IReadOnlyList<(string Label, Rate Rate)> rows, string colour = "#4a6fa5") =>
        Chart(title, rows.Count, Row, (svg, i) =>
        {
            var (label, rate) = rows[i];
            Label(svg, i, label);
            if (rate.Percent is not { } p) { svg.Append($"<text x=\"{LabelWidth + 4}\" y=\"{Y(i) + 15}\" font-size=\"11\">n/a</text>"); return; }
            svg.Append($"<rect x=\"{LabelWidth}\" y=\"{Y(i) + 4}\" width=\"{Num(X(p))}\" height=\"14\" fill=\"{colour}\"><title>{E(label)}: {Pct(p)}% [{Pct(rate.Low)}, {Pct(rate.High)}], n = {rate.Count}</title></rect>");
            Whisker(svg, i, rate);
            svg.Append($"<text x=\"{LabelWidth + PlotWidth + 6}\" y=\"{Y(i) + 15}\" font-size=\"11\">{Pct(p)}%</text>");
        });

    public static string Grouped(string title, IReadOnlyList<(string Label, Rate A, Rate B)> rows, string nameA, string nameB) =>
        Chart(title, rows.Count, Row, (svg, i) =>
        {
            var (label, a, b) = rows[i];
            Label(svg, i, label);
            svg.Append($"<rect x=\"{LabelWidth}\" y=\"{Y(i) + 3}\" width=\"{Num(X(a.Percent ?? 0))}\" height=\"8\" fill=\"{Palette[0]}\"><title>{E(nameA)}: {Pct(a.Percent)}%</title></rect>");
            svg.Append($"<rect x=\"{LabelWidth}\" y=\"{Y(i) + 12}\" width=\"{Num(X(b.Percent ?? 0))}\" height=\"8\" fill=\"{Palette[1]}\"><title>{E(nameB)}: {Pct(b.Percent)}%</title></rect>");
            svg.Append($"<text x=\"{LabelWidth + PlotWidth + 6}\" y=\"{Y(i) + 15}\" font-size=\"11\">{Pct(a.Percent)} / {Pct(b.Percent)}</text>");
        }, [nameA, nameB]);

    /// <summary>
    /// Several runs side by side: one bar per run in each category row, each with its value and its Wilson interval as a
    /// whisker. Rows grow with the number of runs so that every bar has room for its value.
    /// </summary>
    public static string Series(string title, IReadOnlyList<string> labels, IReadOnlyList<(string Name, IReadOnlyList<Rate?> Rates)> series)
    {
        const int slot = 13, bar = 9;
        int height = Math.Max(Row, slot * series.Count + 6);
        return Chart(title, labels.Count, height, (svg, i) =>
        {
            double top = 28 + i * height;
            svg.Append($"<text x=\"{LabelWidth - 6}\" y=\"{Num(top + height / 2.0 + 4)}\" font-size=\"11\" text-anchor=\"end\">{E(Cut(labels[i], 40))}</text>");
            for (int k = 0; k < series.Count; k++)
            {
                if (series[k].Rates[i] is not { Percent: { } p } rate) continue;
                double y = top + 3 + k * slot, middle = y + bar / 2.0;
                svg.Append($"<rect x=\"{LabelWidth}\" y=\"{Num(y)}\" width=\"{Num(X(p))}\" height=\"{bar}\" fill=\"{Palette[k % Palette.Length]}\"><title>{E(series[k].Name)}, {E(labels[i])}: {Pct(p)}% [{Pct(rate.Low)}, {Pct(rate.High)}], n = {rate.Count}</title></rect>");
                if (rate.Low is { } low && rate.High is { } high)
                {
                    svg.Append($"<path class=\"whisker\" d=\"M{Num(LabelWidth + X(low))} {Num(middle)}H{Num(LabelWidth + X(high))}M{Num(LabelWidth + X(low))} {Num(middle - 3)}v6M{Num(LabelWidth + X(high))} {Num(middle - 3)}v6\" stroke=\"#222\" fill=\"none\"/>");
                }
                // The value sits past the bar and its whisker, so neither hides it.
                double end = Math.Max(p, rate.High ?? p);
                svg.Append($"<text class=\"value\" x=\"{Num(LabelWidth + X(end) + 4)}\" y=\"{Num(middle + 3.5)}\" font-size=\"10\">{Pct(p)}%</text>");
            }
        }, [.. series.Select(s => s.Name)]);
    }

    public static string Stacked(string title, IReadOnlyList<(string Label, double?[] Parts)> rows, string[] legend) =>
        Chart(title, rows.Count, Row, (svg, i) =>
        {
            var (label, parts) = rows[i];
            Label(svg, i, label);
            double x = LabelWidth;
            for (int k = 0; k < parts.Length; k++)
            {
                double w = X(parts[k] ?? 0);
                svg.Append($"<rect x=\"{Num(x)}\" y=\"{Y(i) + 4}\" width=\"{Num(w)}\" height=\"14\" fill=\"{Palette[k % Palette.Length]}\"><title>{E(label)}: {E(legend[k])} {Pct(parts[k])}%</title></rect>");
                x += w;
            }
        }, legend);

    private const int Width = LabelWidth + PlotWidth + 80, LegendRow = 18;

    private static string Chart(string title, int rows, int rowHeight, Action<StringBuilder, int> row, string[]? legend = null)
    {
        int plotBottom = 30 + rows * rowHeight;
        var entries = legend is null ? [] : LegendLayout(legend, plotBottom + 18);
        int legendRows = entries.Count == 0 ? 0 : entries.Max(e => e.Row) + 1;
        int height = plotBottom + 16 + (legendRows == 0 ? 0 : 6 + legendRows * LegendRow);
        var svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{E(title)}\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\">");
        svg.Append($"<text x=\"0\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{E(title)}</text>");
        foreach (var tick in new[] { 0, 25, 50, 75, 100 })
            svg.Append($"<line x1=\"{Num(LabelWidth + X(tick))}\" x2=\"{Num(LabelWidth + X(tick))}\" y1=\"24\" y2=\"{plotBottom}\" stroke=\"#ddd\"/>");
        for (int i = 0; i < rows; i++) row(svg, i);
        // The axis: percent, under the plot.
        foreach (var tick in new[] { 0, 25, 50, 75, 100 })
            svg.Append($"<text x=\"{Num(LabelWidth + X(tick))}\" y=\"{plotBottom + 12}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#666\">{tick}%</text>");
        for (int k = 0; k < entries.Count; k++)
        {
            var (x, y, _, text) = entries[k];
            svg.Append($"<g class=\"legend\"><title>{E(legend![k])}</title><rect x=\"{Num(x)}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{Palette[k % Palette.Length]}\"/>")
                .Append($"<text x=\"{Num(x + 16)}\" y=\"{y + 11}\" font-size=\"11\">{E(text)}</text></g>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// Where each legend entry goes: left to right by its measured width, wrapping to a new row when the next one would
    /// pass the chart's edge. A name wider than the chart is cut (the whole name is in the entry's tooltip).
    /// </summary>
    internal static IReadOnlyList<(double X, int Y, int Row, string Text)> LegendLayout(IReadOnlyList<string> names, int top)
    {
        const double swatch = 16, gap = 18;
        var placed = new List<(double, int, int, string)>();
        double x = 0;
        int line = 0;
        foreach (var name in names)
        {
            var text = name;
            while (text.Length > 1 && swatch + TextWidth(text) > Width) text = text[..^2] + "…";
            double width = swatch + TextWidth(text);
            if (x > 0 && x + width > Width) { x = 0; line++; }
            placed.Add((x, top + line * LegendRow, line, text));
            x += width + gap;
        }
        return placed;
    }

    /// <summary>
    /// The width of 11 px sans-serif text, estimated per character on the generous side (no font metrics in a library
    /// that writes SVG by hand): wide letters, capitals, narrow punctuation and full-width scripts each get their own.
    /// </summary>
    internal static double TextWidth(string text, double fontSize = 11)
    {
        double em = 0;
        foreach (var c in text)
            em += c switch
            {
                'i' or 'l' or 'j' or 'I' or '.' or ',' or ':' or ';' or '\'' or '|' or '!' or ' ' => 0.32,
                'm' or 'w' or 'M' or 'W' or '@' or '%' => 0.92,
                >= 'A' and <= 'Z' => 0.72,
                >= '\u2E80' => 1.0,
                _ => 0.6,
            };
        return Math.Ceiling(em * fontSize);
    }

    private static string Cut(string label, int max) => label.Length > max ? label[..max] + "…" : label;

    private static void Label(StringBuilder svg, int i, string label) =>
        svg.Append($"<text x=\"{LabelWidth - 6}\" y=\"{Y(i) + 15}\" font-size=\"11\" text-anchor=\"end\">{E(Cut(label, 40))}</text>");

    private static void Whisker(StringBuilder svg, int i, Rate rate)
    {
        if (rate.Low is not { } low || rate.High is not { } high) return;
        int y = Y(i) + 11;
        svg.Append($"<line x1=\"{Num(LabelWidth + X(low))}\" x2=\"{Num(LabelWidth + X(high))}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#222\"/>");
        foreach (var end in new[] { low, high })
            svg.Append($"<line x1=\"{Num(LabelWidth + X(end))}\" x2=\"{Num(LabelWidth + X(end))}\" y1=\"{y - 4}\" y2=\"{y + 4}\" stroke=\"#222\"/>");
    }

    private static int Y(int row) => 28 + row * Row;

    private static double X(double percent) => Math.Round(Math.Clamp(percent, 0, 100) / 100 * PlotWidth, 1);
}
