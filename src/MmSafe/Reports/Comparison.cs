using MmSafe.Scoring;

namespace MmSafe.Reports;

/// <summary>One row of the leaderboard.</summary>
/// <param name="Direction">Which way the metric is better; rows of a benchmark are listed best first by it.</param>
public sealed record LeaderboardRow(string Run, string Benchmark, string Model, string? Judge, string Metric, Rate Rate, string Condition = Runs.Conditions.Official,
    MetricDirection Direction = MetricDirection.HigherIsBetter)
{
    /// <summary>The metric as a table shows it: its key, with "(lower is better)" when lower is.</summary>
    public string MetricShown => Metric + new Metric(Metric, Metric, Direction).DirectionNote;
}

/// <summary>A paired test of two runs on the items both answered, with the smallest difference a comparison of this size can detect.</summary>
public sealed record PairedTest(string First, string Second, int Items, int OnlyFirst, int OnlySecond, double PValue, double MinimumDetectable);

/// <summary>
/// The cross-modal gap between two runs of one model on one benchmark under two modality conditions, in one category
/// ("Overall" for all items): the paired difference of the headline rate (first minus second, percentage points) with
/// its interval, the exact McNemar p-value and, for categories, the Holm-corrected one.
/// </summary>
public sealed record ModalityGap(string First, string Second, string FirstCondition, string SecondCondition, string Category, int Items,
    double Difference, double Low, double High, double PValue, double HolmP, double MinimumDetectable);

/// <summary>Runs side by side: a leaderboard with intervals, paired McNemar tests, cross-modal gaps, and what makes runs not comparable.</summary>
public sealed record Comparison(IReadOnlyList<LeaderboardRow> Rows, IReadOnlyList<PairedTest> Tests, IReadOnlyList<string> Flags, IReadOnlyList<ModalityGap> Gaps)
{
    /// <summary>The safety / over-refusal frontiers the runs make (models with runs on an over-refusal and an unsafe benchmark).</summary>
    public IReadOnlyList<FrontierView> Frontiers { get; init; } = [];

    public static Comparison Of(IReadOnlyList<RunReportData> runs)
    {
        // One run named twice, through another path, a link or a copy: the same spec, down to the moment it was made, and the
        // same judge (a run judged by a panel is one row per judge).
        var twice = runs.GroupBy(r => (r.Spec.CreatedAt, r.Spec.Benchmark, r.Spec.Target.Name, r.Spec.Condition, string.Join(",", r.Spec.Selection.SampleIds), r.Judge))
            .FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new InputException($"{string.Join(" and ", twice.Select(r => r.Directory).Distinct())} {(twice.Select(r => Where(r.Directory)).Distinct().Count() == 1 ? $"is given {twice.Count()} times" : "hold the same run (a link or a copy)")}; " +
                "a run compared with itself says nothing. Name each run once.");
        var rows = runs.Select(r => new LeaderboardRow(r.Directory, r.Spec.Benchmark, r.Spec.Target.Name, r.Judge, r.Score.Sheet.Layout.Headline.Key, r.Score.Sheet.HeadlineRate, r.Spec.Condition,
                r.Score.Sheet.Layout.Headline.Direction))
            .OrderBy(r => r.Benchmark, StringComparer.Ordinal).ThenBy(r => new Metric(r.Metric, r.Metric, r.Direction).RankKey(r.Rate.Percent)).ToList();
        var flags = new List<string>();
        foreach (var group in runs.GroupBy(r => r.Spec.Benchmark))
        {
            // Runs differ by key; the note shows each distinct value as the reader knows it (show).
            void Flag(string what, Func<RunReportData, string?> key, Func<RunReportData, string>? show = null)
            {
                if (group.Select(key).Distinct().Count() < 2) return;
                var shown = group.Select(r => show is null ? key(r) ?? "none" : show(r)).Distinct();
                flags.Add($"{group.Key}: runs use different {what} ({string.Join("; ", shown)}); their rates are not directly comparable.");
            }
            // Judges differ by the model they ask; they are named as in the Judge column, with the model when the name is not it.
            Flag("judges", r => r.Judge is null ? null : r.Spec.FindJudge(r.Judge)?.Model ?? r.Judge,
                r => r.Judge is null ? "none" : r.Spec.FindJudge(r.Judge) is { } j && j.Model != j.Name ? $"{r.Judge} (model {j.Model})" : r.Judge);
            Flag("protocol versions", r => r.Spec.ProtocolVersion);
            Flag("datasets (SHA-256)", r => r.Spec.DatasetSha256[..12]);
            Flag("target settings", r => System.Text.Json.JsonSerializer.Serialize(r.Spec.Target.Parameters, ReadableJson.Compact),
                r => $"{r.Directory}: {Runs.ModelDeviations.Settings(Benchmarks.BenchmarkRegistry.Get(r.Spec.Benchmark).Protocol.Target, r.Spec.Target.Parameters)}");
            if (group.Select(r => string.Join(",", r.Spec.Selection.SampleIds)).Distinct().Count() > 1)
                flags.Add($"{group.Key}: runs cover different items; paired tests use the items they share.");
        }
        foreach (var layout in runs.Select(r => r.Score.Sheet.Layout).DistinctBy(l => l.Benchmark).Where(l => !l.Headline.HigherIsBetter))
            flags.Add($"{layout.Benchmark}: {layout.Headline.Key} counts {layout.Headline.Described}, so lower is better: its rows are listed lowest first, and in a paired test the run with fewer such items is the better one.");
        foreach (var run in runs.Where(r => r.Score.Deviations.Count > 0))
            flags.Add($"{run.Directory}: not the official protocol ({string.Join("; ", run.Score.Deviations)}).");
        if (runs.Any(r => r.Spec.IsMock)) flags.Add("Some runs use the offline mock model; their numbers are not a real evaluation.");
        var tests = new List<PairedTest>();
        foreach (var group in runs.GroupBy(r => r.Spec.Benchmark).Where(g => g.Count() > 1))
        {
            var list = group.ToList();
            for (int a = 0; a < list.Count; a++)
                for (int b = a + 1; b < list.Count; b++)
                    if (Paired(list[a], list[b]) is { Items: > 0 } test) tests.Add(test);
                    else flags.Add($"{list[a].Directory} and {list[b].Directory} share no scored item, so there is no paired test between them.");
        }
        var gaps = runs.GroupBy(r => (r.Spec.Benchmark, r.Spec.DatasetSha256, r.Spec.Target.Model)).SelectMany(g =>
        {
            var list = g.ToList();
            return Enumerable.Range(0, list.Count).SelectMany(a => Enumerable.Range(a + 1, list.Count - a - 1)
                .Where(b => list[a].Spec.Condition != list[b].Spec.Condition).SelectMany(b => GapsBetween(list[a], list[b])));
        }).ToList();
        return new Comparison(rows, tests, flags, gaps) { Frontiers = FrontierRuns.Of(runs) };
    }

    private static IEnumerable<ModalityGap> GapsBetween(RunReportData a, RunReportData b)
    {
        var x = Outcomes(a);
        var y = Outcomes(b);
        var categories = a.Score.Sheet.Items.Where(i => i.Category is not null).ToDictionary(i => i.Id, i => i.Category!);
        ModalityGap Gap(string category, IReadOnlyList<string> ids, double holm)
        {
            int onlyA = ids.Count(id => x[id] && !y[id]), onlyB = ids.Count(id => !x[id] && y[id]), both = ids.Count(id => x[id] && y[id]);
            var (d, low, high) = PairedDifference.Of(both, onlyA, onlyB, ids.Count - both - onlyA - onlyB);
            double rate = ids.Count == 0 ? 50 : 100.0 * ids.Count(id => x[id]) / ids.Count;
            return new ModalityGap(a.Directory, b.Directory, a.Spec.Condition, b.Spec.Condition, category, ids.Count, d, low, high,
                McNemar.ExactP(onlyA, onlyB), holm, PairedDifference.MinimumDetectable(onlyA + onlyB, ids.Count, rate));
        }
        var shared = x.Keys.Intersect(y.Keys).ToList();
        if (shared.Count == 0) return []; // no item scored in both: no gap to measure
        var byCategory = shared.Where(categories.ContainsKey).GroupBy(id => categories[id]).Select(g => (g.Key, Ids: (IReadOnlyList<string>)[.. g])).ToList();
        var raw = byCategory.Select(c => Gap(c.Key, c.Ids, 1)).ToList();
        var holm = PairedDifference.Holm([.. raw.Select(r => r.PValue)]);
        var overall = Gap("Overall", shared, double.NaN);
        return [overall with { HolmP = overall.PValue }, .. raw.Select((r, i) => r with { HolmP = holm[i] })];
    }

    private static PairedTest Paired(RunReportData a, RunReportData b)
    {
        var x = Outcomes(a);
        var y = Outcomes(b);
        var shared = x.Keys.Intersect(y.Keys).ToList();
        int onlyA = shared.Count(id => x[id] && !y[id]), onlyB = shared.Count(id => !x[id] && y[id]);
        double rate = shared.Count == 0 ? 50 : 100.0 * shared.Count(id => x[id]) / shared.Count;
        return new PairedTest(a.Directory, b.Directory, shared.Count, onlyA, onlyB, McNemar.ExactP(onlyA, onlyB), PairedDifference.MinimumDetectable(onlyA + onlyB, shared.Count, rate));
    }

    private static string Where(string location) =>
        location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ? location : Path.TrimEndingDirectorySeparator(Path.GetFullPath(location));

    /// <summary>Each item's headline outcome (safe, or correct for multiple choice); items without one are left out.</summary>
    public static Dictionary<string, bool> Outcomes(RunReportData run)
    {
        var key = run.Score.Sheet.Layout.Headline.Key;
        return run.Score.Sheet.Items.Where(i => i.Scored && i.Values.GetValueOrDefault(key) is not null).ToDictionary(i => i.Id, i => i.Values[key]!.Value);
    }
}
