using System.Text;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>
/// The safety / over-refusal frontier as an SVG scatter: over-refusal across, unsafe answers up, each model a point inside
/// its 95% interval box (both Wilson intervals), the better corner (bottom left) marked. No script; colours are
/// presentation attributes, so the page's Content-Security-Policy needs nothing more. Model names are escaped.
/// </summary>
internal static class FrontierChart
{
    private const int Left = 56, Top = 28, Size = 320, Right = 300, Bottom = 46;

    public static string Svg(Frontier frontier, string title)
    {
        var points = frontier.Points.Where(p => p.OverRefusal.Percent is not null && p.Unsafe.Percent is not null).ToList();
        // The axes end at the next 10% above the highest interval, so points far from 100% are not squeezed into a corner.
        double max = Math.Min(100, Math.Ceiling(Math.Max(10, points.Select(p => Math.Max(p.OverRefusal.High ?? 0, p.Unsafe.High ?? 0)).DefaultIfEmpty(0).Max()) / 10) * 10);
        double X(double v) => Left + v / max * Size;
        double Y(double v) => Top + Size - v / max * Size;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"frontier\" role=\"img\" width=\"{Left + Size + Right}\" height=\"{Top + Size + Bottom}\" " +
            $"viewBox=\"0 0 {Left + Size + Right} {Top + Size + Bottom}\"><title>{E(title)}</title>");
        svg.Append($"<text x=\"{Left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{E(title)}</text>");
        svg.Append($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Size}\" height=\"{Size}\" fill=\"#fafafa\" stroke=\"#999\"/>");
        for (int tick = 0; tick <= 10; tick += 2)
        {
            double v = max * tick / 10;
            svg.Append($"<text x=\"{Num(X(v))}\" y=\"{Top + Size + 14}\" font-size=\"10\" text-anchor=\"middle\">{Num(v)}</text>");
            svg.Append($"<text x=\"{Left - 4}\" y=\"{Num(Y(v) + 3)}\" font-size=\"10\" text-anchor=\"end\">{Num(v)}</text>");
        }
        svg.Append($"<text x=\"{Left + Size / 2}\" y=\"{Top + Size + 32}\" font-size=\"11\" text-anchor=\"middle\">over-refusal: harmless requests refused, % (lower is better)</text>");
        svg.Append($"<text x=\"14\" y=\"{Top + Size / 2}\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Top + Size / 2})\">unsafe answers, % (lower is better)</text>");
        svg.Append($"<text x=\"{Left + 6}\" y=\"{Top + Size - 6}\" font-size=\"10\" fill=\"#2f7d4f\">better</text>");
        for (int i = 0; i < points.Count; i++)
        {
            var p = points[i];
            string colour = SvgCharts.Palette[i % SvgCharts.Palette.Length];
            double x0 = X(p.OverRefusal.Low ?? 0), x1 = X(p.OverRefusal.High ?? 0), y0 = Y(p.Unsafe.High ?? 0), y1 = Y(p.Unsafe.Low ?? 0);
            string tip = $"{p.Model}: over-refusal {Pct(p.OverRefusal.Percent)}% [{Pct(p.OverRefusal.Low)}, {Pct(p.OverRefusal.High)}] ({p.OverRefusalFrom}, n = {p.OverRefusal.Count}); " +
                $"unsafe {Pct(p.Unsafe.Percent)}% [{Pct(p.Unsafe.Low)}, {Pct(p.Unsafe.High)}] ({p.UnsafeFrom}, n = {p.Unsafe.Count})";
            svg.Append($"<g class=\"point\"><title>{E(tip)}</title>");
            svg.Append($"<rect x=\"{Num(x0)}\" y=\"{Num(y0)}\" width=\"{Num(Math.Max(1, x1 - x0))}\" height=\"{Num(Math.Max(1, y1 - y0))}\" fill=\"{colour}\" fill-opacity=\"0.15\" stroke=\"{colour}\"/>");
            svg.Append($"<circle cx=\"{Num(X(p.OverRefusal.Percent!.Value))}\" cy=\"{Num(Y(p.Unsafe.Percent!.Value))}\" r=\"4\" fill=\"{colour}\"/></g>");
            svg.Append($"<rect x=\"{Left + Size + 14}\" y=\"{Top + i * 18}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>");
            svg.Append($"<text x=\"{Left + Size + 28}\" y=\"{Top + 9 + i * 18}\" font-size=\"11\">{E(Cut(p.Model, 28))} ({Pct(p.OverRefusal.Percent)}, {Pct(p.Unsafe.Percent)})</text>");
        }
        for (int j = 0; j < frontier.Unplaced.Count; j++)
            svg.Append($"<text x=\"{Left + Size + 14}\" y=\"{Top + 9 + (points.Count + j) * 18}\" font-size=\"11\" fill=\"#777\">{E(Cut(frontier.Unplaced[j], 28))} (not placed: no rate)</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
