using SkiaSharp;

namespace MmSafe.Reports.Figures;

/// <summary>
/// The safety / over-refusal frontier: each model a marker at (over-refusal, unsafe), its two 95% Wilson intervals as a
/// box; lower is better on both axes, so the best corner is the bottom left.
/// </summary>
internal static class FrontierFigure
{
    private const float Left = 80, Right = 560, Top = 56, Bottom = 456;

    public static Figure Of(string name, FrontierView view)
    {
        var points = view.Frontier.Points;
        double Reach(Func<FrontierPoint, double?> high) => Math.Clamp(Math.Ceiling((points.Max(p => high(p) ?? 0) + 2) / 10) * 10, 10, 100);
        var x = new Axis(0, Reach(p => p.OverRefusal.High), Left, Right);
        var y = new Axis(0, Reach(p => p.Unsafe.High), Bottom, Top);
        var names = points.Select(p => p.Model).ToList();
        float height = Math.Max(Bottom + 56, Top + Legend.Height(points.Count) + 24);
        return new Figure(name, $"Safety / over-refusal frontier: {view.OverRefusalFrom} × {view.UnsafeFrom}", height, canvas =>
        {
            x.DrawHorizontal(canvas, Top, Bottom, x.Max <= 30 ? 5 : 10, $"Refused harmless requests ({view.OverRefusalFrom}), % (lower is better)");
            DrawVertical(canvas, y, $"Unsafe answers ({view.UnsafeFrom}), % (lower is better)");
            for (int i = 0; i < points.Count; i++)
            {
                var p = points[i];
                if (p.OverRefusal.Percent is not { } px || p.Unsafe.Percent is not { } py) continue;
                var box = new SKRect(x.At(p.OverRefusal.Low ?? px), y.At(p.Unsafe.High ?? py), x.At(p.OverRefusal.High ?? px), y.At(p.Unsafe.Low ?? py));
                using var fill = FigureStyle.Fill(FigureStyle.SeriesFill(i).WithAlpha(60));
                using var outline = FigureStyle.Ink(1);
                outline.PathEffect = i % 2 == 1 ? SKPathEffect.CreateDash([4, 3], 0) : null;
                canvas.DrawRect(box, fill);
                canvas.DrawRect(box, outline);
                FigureStyle.DrawMarker(canvas, FigureStyle.SeriesMarker(i), x.At(px), y.At(py), 5);
            }
            Legend.Draw(canvas, names, Right + 24, Top, bars: false);
        });
    }

    private static void DrawVertical(SKCanvas canvas, Axis axis, string label)
    {
        using var grid = FigureStyle.Ink(0.6f);
        grid.Color = new SKColor(215, 215, 215);
        using var ink = FigureStyle.Ink(1);
        foreach (var t in axis.Ticks(axis.Max <= 30 ? 5 : 10))
        {
            canvas.DrawLine(Left, axis.At(t), Right, axis.At(t), grid);
            canvas.DrawLine(Left - 4, axis.At(t), Left, axis.At(t), ink);
            FigureStyle.Text(canvas, t.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), Left - 7, axis.At(t) + 4, FigureStyle.SmallSize, SKTextAlign.Right);
        }
        canvas.DrawLine(Left, axis.From, Left, axis.To, ink);
        canvas.Save();
        canvas.RotateDegrees(-90, 24, (axis.From + axis.To) / 2);
        FigureStyle.Text(canvas, label, 24, (axis.From + axis.To) / 2 + 4, FigureStyle.TextSize, SKTextAlign.Center, max: 90);
        canvas.Restore();
    }
}
