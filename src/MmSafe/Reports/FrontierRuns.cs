using MmSafe.Runs;
using MmSafe.Scoring;

namespace MmSafe.Reports;

/// <summary>One frontier: the benchmarks its two axes come from, and the models that have runs on both.</summary>
public sealed record FrontierView(string OverRefusalFrom, string UnsafeFrom, Frontier Frontier)
{
    /// <summary>Runs under another condition (text-only, caption…) measure something else and are not points.</summary>
    public string Title => $"Safety / over-refusal frontier: {OverRefusalFrom} × {UnsafeFrom} (official-condition runs)";
}

/// <summary>
/// The frontiers runs make: for each pair of an over-refusal benchmark and an unsafe benchmark, every model (by target
/// name) with an official-condition run of both is a point. A benchmark says which of its rates is which axis
/// (<see cref="Metric.Axis"/>); several runs of one model on one benchmark use the first given.
/// </summary>
public static class FrontierRuns
{
    public static IReadOnlyList<FrontierView> Of(IReadOnlyList<RunReportData> runs)
    {
        var official = runs.Where(r => r.Spec.Condition == Conditions.Official).ToList();
        var over = Axes(official, SafetyAxis.OverRefusal);
        var @unsafe = Axes(official, SafetyAxis.Unsafe);
        var views = new List<FrontierView>();
        foreach (var o in over.Select(a => a.Benchmark).Distinct())
            foreach (var u in @unsafe.Select(a => a.Benchmark).Distinct())
            {
                var models = over.Where(a => a.Benchmark == o)
                    .Join(@unsafe.Where(a => a.Benchmark == u), a => a.Model, a => a.Model, (a, b) => new FrontierModel(a.Model, a.Axis, b.Axis))
                    .ToList();
                if (models.Count > 0) views.Add(new FrontierView(o, u, Frontier.Of(models)));
            }
        return views;
    }

    // Each model's first run per benchmark with a rate on this axis, as per-item failures.
    private static List<(string Model, string Benchmark, FrontierAxis Axis)> Axes(IReadOnlyList<RunReportData> runs, SafetyAxis axis) =>
        [.. runs.Select(r => (Run: r, Metric: r.Score.Sheet.Layout.Metrics.FirstOrDefault(m => m.Axis == axis)))
            .Where(x => x.Metric is not null)
            .DistinctBy(x => (x.Run.Spec.Target.Name, x.Run.Spec.Benchmark))
            .Select(x => (x.Run.Spec.Target.Name, x.Run.Spec.Benchmark, new FrontierAxis(x.Run.Spec.Benchmark,
                x.Run.Score.Sheet.Items.Where(i => i.Scored && i.Values.GetValueOrDefault(x.Metric!.Key) is not null)
                    .ToDictionary(i => i.Id, i => x.Metric!.Fails(i.Values[x.Metric.Key]!.Value)))))];
}
