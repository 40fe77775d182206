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

    public static string Bars(string title, IReadOnlyList<(string Label, Rate Rate)> rows, string colour = "#4a6fa5") =>
        Chart(title, rows.Count, 1, (svg, i) =>
        {
            var (label, rate) = rows[i];
            Label(svg, i, label);
            if (rate.Percent is not { } p) { svg.Append($"<text x=\"{LabelWidth + 4}\" y=\"{Y(i) + 15}\" font-size=\"11\">n/a</text>"); return; }
            svg.Append($"<rect x=\"{LabelWidth}\" y=\"{Y(i) + 4}\" width=\"{Num(X(p))}\" height=\"14\" fill=\"{colour}\"><title>{E(label)}: {Pct(p)}% [{Pct(rate.Low)}, {Pct(rate.High)}], n = {rate.Count}</title></rect>");
            Whisker(svg, i, rate);
            svg.Append($"<text x=\"{LabelWidth + PlotWidth + 6}\" y=\"{Y(i) + 15}\" font-size=\"11\">{Pct(p)}%</text>");
        });

    public static string Grouped(string title, IReadOnlyList<(string Label, Rate A, Rate B)> rows, string nameA, string nameB) =>
        Chart(title, rows.Count, 1, (svg, i) =>
        {
            var (label, a, b) = rows[i];
            Label(svg, i, label);
            svg.Append($"<rect x=\"{LabelWidth}\" y=\"{Y(i) + 3}\" width=\"{Num(X(a.Percent ?? 0))}\" height=\"8\" fill=\"{Palette[0]}\"><title>{E(nameA)}: {Pct(a.Percent)}%</title></rect>");
            svg.Append($"<rect x=\"{LabelWidth}\" y=\"{Y(i) + 12}\" width=\"{Num(X(b.Percent ?? 0))}\" height=\"8\" fill=\"{Palette[1]}\"><title>{E(nameB)}: {Pct(b.Percent)}%</title></rect>");
            svg.Append($"<text x=\"{LabelWidth + PlotWidth + 6}\" y=\"{Y(i) + 15}\" font-size=\"11\">{Pct(a.Percent)} / {Pct(b.Percent)}</text>");
        }, [nameA, nameB]);

    /// <summary>Several runs side by side: one bar per run in each category row, each with its interval whisker.</summary>
    public static string Series(string title, IReadOnlyList<string> labels, IReadOnlyList<(string Name, IReadOnlyList<Rate?> Rates)> series)
    {
        int n = Math.Max(1, series.Count);
        double bar = Math.Max(3, 18.0 / n);
        return Chart(title, labels.Count, 1, (svg, i) =>
        {
            Label(svg, i, labels[i]);
            for (int k = 0; k < series.Count; k++)
            {
                if (series[k].Rates[i] is not { Percent: { } p } rate) continue;
                double y = Y(i) + 2 + k * bar;
                svg.Append($"<rect x=\"{LabelWidth}\" y=\"{Num(y)}\" width=\"{Num(X(p))}\" height=\"{Num(bar - 1)}\" fill=\"{Palette[k % Palette.Length]}\"><title>{E(series[k].Name)}, {E(labels[i])}: {Pct(p)}% [{Pct(rate.Low)}, {Pct(rate.High)}], n = {rate.Count}</title></rect>");
            }
        }, [.. series.Select(s => s.Name)]);
    }

    public static string Stacked(string title, IReadOnlyList<(string Label, double?[] Parts)> rows, string[] legend) =>
        Chart(title, rows.Count, 1, (svg, i) =>
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

    private static string Chart(string title, int rows, int _, Action<StringBuilder, int> row, string[]? legend = null)
    {
        int height = 30 + rows * Row + 16 + (legend is null ? 0 : 22);
        var svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{E(title)}\" width=\"{LabelWidth + PlotWidth + 80}\" height=\"{height}\" font-family=\"sans-serif\">");
        svg.Append($"<text x=\"0\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{E(title)}</text>");
        foreach (var tick in new[] { 0, 25, 50, 75, 100 })
            svg.Append($"<line x1=\"{Num(LabelWidth + X(tick))}\" x2=\"{Num(LabelWidth + X(tick))}\" y1=\"24\" y2=\"{30 + rows * Row}\" stroke=\"#ddd\"/>");
        for (int i = 0; i < rows; i++) row(svg, i);
        // The axis: percent, under the plot.
        foreach (var tick in new[] { 0, 25, 50, 75, 100 })
            svg.Append($"<text x=\"{Num(LabelWidth + X(tick))}\" y=\"{30 + rows * Row + 12}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#666\">{tick}%</text>");
        if (legend is not null)
            for (int k = 0; k < legend.Length; k++)
            {
                int lx = LabelWidth + k * 140, ly = 30 + rows * Row + 18;
                svg.Append($"<rect x=\"{lx}\" y=\"{ly}\" width=\"12\" height=\"12\" fill=\"{Palette[k % Palette.Length]}\"/><text x=\"{lx + 16}\" y=\"{ly + 11}\" font-size=\"11\">{E(legend[k])}</text>");
            }
        return svg.Append("</svg>").ToString();
    }

    private static void Label(StringBuilder svg, int i, string label) =>
        svg.Append($"<text x=\"{LabelWidth - 6}\" y=\"{Y(i) + 15}\" font-size=\"11\" text-anchor=\"end\">{E(label.Length > 40 ? label[..40] + "…" : label)}</text>");

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
