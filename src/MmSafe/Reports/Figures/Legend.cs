using SkiaSharp;

namespace MmSafe.Reports.Figures;

/// <summary>The series key under a plot: each series' bar swatch and marker with its name, one per line.</summary>
internal static class Legend
{
    public const float Line = 18;

    public static float Height(int series) => series * Line + 8;

    public static void Draw(SKCanvas canvas, IReadOnlyList<string> names, float x, float top, bool bars = true)
    {
        for (int i = 0; i < names.Count; i++)
        {
            float y = top + i * Line;
            if (bars) FigureStyle.DrawBar(canvas, new SKRect(x, y + 3, x + 26, y + 15), i);
            FigureStyle.DrawMarker(canvas, FigureStyle.SeriesMarker(i), x + 13, y + 9, 4);
            FigureStyle.Text(canvas, names[i], x + 34, y + 13, FigureStyle.SmallSize, max: 100);
        }
    }
}
