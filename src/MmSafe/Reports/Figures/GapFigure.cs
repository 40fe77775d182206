using SkiaSharp;

namespace MmSafe.Reports.Figures;

/// <summary>
/// The cross-modal gap of one model between two conditions, as <see cref="Comparison"/> computes it: per category (Overall
/// first) the paired difference of the headline rate in percentage points with its 95% interval, around a line at zero.
/// </summary>
internal static class GapFigure
{
    private const float Left = 230, Right = 770, Top = 62, Row = 24;

    public static Figure Of(string name, IReadOnlyList<ModalityGap> gaps, RunReportData first)
    {
        var metric = first.Score.Sheet.Layout.Headline;
        var g0 = gaps[0];
        double reach = Math.Max(10, Math.Ceiling(gaps.Max(g => Math.Max(Math.Abs(Finite(g.Low)), Math.Abs(Finite(g.High)))) / 10) * 10);
        float plotBottom = Top + gaps.Count * Row + 6;
        var title = $"{first.Spec.Benchmark}: cross-modal gap of {first.Spec.Target.Name}, {g0.FirstCondition} minus {g0.SecondCondition}";
        return new Figure(name, title, plotBottom + 56, canvas =>
        {
            FigureStyle.Text(canvas, $"{metric.Label}, paired difference with 95% interval (Newcombe); items shared by both runs", 16, 42, FigureStyle.SmallSize, max: 120);
            var axis = new Axis(-reach, reach, Left, Right);
            axis.DrawHorizontal(canvas, Top, plotBottom, reach <= 20 ? 5 : reach <= 50 ? 10 : 20,
                $"Gap in percentage points ({g0.FirstCondition} minus {g0.SecondCondition}){metric.DirectionNote}");
            using (var zero = FigureStyle.Ink(1.2f)) canvas.DrawLine(axis.At(0), Top, axis.At(0), plotBottom, zero);
            for (int i = 0; i < gaps.Count; i++)
            {
                var g = gaps[i];
                float y = Top + i * Row + Row / 2 + 3;
                FigureStyle.Text(canvas, $"{g.Category} (n = {g.Items})", Left - 8, y + 4, FigureStyle.TextSize, SKTextAlign.Right, max: 34);
                if (!double.IsFinite(g.Difference)) continue;
                axis.DrawWhisker(canvas, g.Low, g.High, y);
                FigureStyle.DrawMarker(canvas, i == 0 ? FigureStyle.Marker.Diamond : FigureStyle.Marker.Circle, axis.At(g.Difference), y, i == 0 ? 5.5f : 4.5f);
            }
        });
    }

    private static double Finite(double v) => double.IsFinite(v) ? v : 0;
}
