using SkiaSharp;

namespace MmSafe.Reports.Figures;

/// <summary>A linear axis from <paramref name="Min"/> to <paramref name="Max"/> drawn between two pixel positions.</summary>
internal sealed record Axis(double Min, double Max, float From, float To)
{
    public float At(double value) => From + (float)((Math.Clamp(value, Min, Max) - Min) / (Max - Min)) * (To - From);

    /// <summary>Ticks every <paramref name="step"/> from Min to Max.</summary>
    public IEnumerable<double> Ticks(double step)
    {
        for (double v = Math.Ceiling(Min / step) * step; v <= Max + 1e-9; v += step) yield return Math.Round(v, 6);
    }

    /// <summary>The horizontal axis at <paramref name="y"/>: light grid lines up to <paramref name="top"/>, ticks, numbers and a label.</summary>
    public void DrawHorizontal(SKCanvas canvas, float top, float y, double step, string label)
    {
        using var grid = FigureStyle.Ink(0.6f);
        grid.Color = new SKColor(215, 215, 215);
        using var ink = FigureStyle.Ink(1);
        foreach (var t in Ticks(step))
        {
            canvas.DrawLine(At(t), top, At(t), y, grid);
            canvas.DrawLine(At(t), y, At(t), y + 4, ink);
            FigureStyle.Text(canvas, t.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), At(t), y + 16, FigureStyle.SmallSize, SKTextAlign.Center);
        }
        canvas.DrawLine(From, y, To, y, ink);
        FigureStyle.Text(canvas, label, (From + To) / 2, y + 34, FigureStyle.TextSize, SKTextAlign.Center, max: 110);
    }

    /// <summary>A whisker from <paramref name="low"/> to <paramref name="high"/> at height <paramref name="y"/>, with end caps.</summary>
    public void DrawWhisker(SKCanvas canvas, double? low, double? high, float y, float cap = 4)
    {
        if (low is not { } l || high is not { } h) return;
        using var ink = FigureStyle.Ink(1.3f);
        canvas.DrawLine(At(l), y, At(h), y, ink);
        canvas.DrawLine(At(l), y - cap, At(l), y + cap, ink);
        canvas.DrawLine(At(h), y - cap, At(h), y + cap, ink);
    }
}
