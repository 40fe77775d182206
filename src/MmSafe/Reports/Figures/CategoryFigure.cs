using MmSafe.Scoring;
using SkiaSharp;

namespace MmSafe.Reports.Figures;

/// <summary>
/// A benchmark's headline rate per category (Overall first) with 95% Wilson whiskers: one bar per run in each category,
/// runs told apart by fill, hatch and marker; the axis says "(lower is better)" when the metric's direction says so.
/// </summary>
internal static class CategoryFigure
{
    private const float Left = 230, Right = 770, Top = 48, Bar = 11, Gap = 10;

    public static Figure Of(string benchmark, IReadOnlyList<RunReportData> runs)
    {
        var metric = runs[0].Score.Sheet.Layout.Headline;
        var groups = new List<string> { "Overall" };
        groups.AddRange(runs.SelectMany(r => r.Score.Sheet.Categories.Select(c => c.Name)).Distinct());
        float groupHeight = runs.Count * Bar + Gap, plotBottom = Top + groups.Count * groupHeight;
        var names = runs.Select(Series).ToList();
        float height = plotBottom + 48 + Legend.Height(runs.Count);
        var title = $"{benchmark}: {metric.Label} by category (95% Wilson intervals)";
        return new Figure("categories-" + FigureFiles.Safe(benchmark), title, height, canvas =>
        {
            var axis = new Axis(0, 100, Left, Right);
            axis.DrawHorizontal(canvas, Top, plotBottom, 20, $"{metric.Label}, %{metric.DirectionNote}");
            for (int g = 0; g < groups.Count; g++)
            {
                float y0 = Top + g * groupHeight + Gap / 2;
                FigureStyle.Text(canvas, groups[g], Left - 8, y0 + runs.Count * Bar / 2 + 4, FigureStyle.TextSize, SKTextAlign.Right, max: 34);
                for (int i = 0; i < runs.Count; i++)
                {
                    var rate = Rate(runs[i].Score.Sheet, groups[g], metric.Key);
                    float y = y0 + i * Bar;
                    if (rate?.Percent is not { } p)
                    {
                        FigureStyle.Text(canvas, "n/a", Left + 4, y + Bar - 2, FigureStyle.SmallSize);
                        continue;
                    }
                    FigureStyle.DrawBar(canvas, new SKRect(Left, y + 1, Math.Max(axis.At(p), Left + 0.5f), y + Bar - 1), i);
                    axis.DrawWhisker(canvas, rate.Low, rate.High, y + Bar / 2, 3);
                    FigureStyle.DrawMarker(canvas, FigureStyle.SeriesMarker(i), axis.At(p), y + Bar / 2, 3.5f);
                }
            }
            Legend.Draw(canvas, names, Left, plotBottom + 46);
        });
    }

    private static Rate? Rate(ScoreSheet sheet, string group, string metric) =>
        (group == "Overall" ? sheet.Overall : sheet.Categories.FirstOrDefault(c => c.Name == group))?.Rates.GetValueOrDefault(metric);

    /// <summary>A run as a series: model, condition when not official, judge.</summary>
    public static string Series(RunReportData r) =>
        r.Spec.Target.Name + (r.Spec.Condition == Runs.Conditions.Official ? "" : $" ({r.Spec.Condition})") + (r.Judge is null ? "" : $", judged by {r.Judge}");
}
