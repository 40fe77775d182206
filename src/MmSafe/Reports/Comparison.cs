using MmSafe.Benchmarks.Siuo;
using MmSafe.Scoring;

namespace MmSafe.Reports;

/// <summary>One row of the leaderboard.</summary>
public sealed record LeaderboardRow(string Run, string Benchmark, string Model, string? Judge, string Metric, Rate Rate);

/// <summary>A paired test of two runs on the items both answered.</summary>
public sealed record PairedTest(string First, string Second, int Items, int OnlyFirst, int OnlySecond, double PValue);

/// <summary>Runs side by side: a leaderboard with intervals, paired McNemar tests, and what makes runs not comparable.</summary>
public sealed record Comparison(IReadOnlyList<LeaderboardRow> Rows, IReadOnlyList<PairedTest> Tests, IReadOnlyList<string> Flags)
{
    public static Comparison Of(IReadOnlyList<RunReportData> runs)
    {
        var rows = runs.Select(r => { var (metric, rate) = ScoreJson.Headline(r.Score.Score); return new LeaderboardRow(r.Directory, r.Manifest.Benchmark, r.Manifest.Target.Name, r.Judge, metric, rate); })
            .OrderBy(r => r.Benchmark, StringComparer.Ordinal).ThenByDescending(r => r.Rate.Percent ?? -1).ToList();
        var flags = new List<string>();
        foreach (var group in runs.GroupBy(r => r.Manifest.Benchmark))
        {
            void Flag(string what, Func<RunReportData, string?> key)
            {
                var values = group.Select(key).Distinct().ToList();
                if (values.Count > 1) flags.Add($"{group.Key}: runs use different {what} ({string.Join(", ", values.Select(v => v ?? "none"))}); their rates are not directly comparable.");
            }
            Flag("judges", r => r.Judge == r.Manifest.Judge?.Name ? r.Manifest.Judge?.Model : r.Judge);
            Flag("protocol versions", r => r.Manifest.ProtocolVersion);
            Flag("datasets (SHA-256)", r => r.Manifest.DatasetSha256[..12]);
            if (group.Select(r => string.Join(",", r.Manifest.Items.Select(i => i.Id))).Distinct().Count() > 1)
                flags.Add($"{group.Key}: runs cover different items; paired tests use the items they share.");
        }
        if (runs.Any(r => r.Manifest.IsMock)) flags.Add("Some runs use the offline mock model; their numbers are not a real evaluation.");
        var tests = new List<PairedTest>();
        foreach (var group in runs.GroupBy(r => r.Manifest.Benchmark).Where(g => g.Count() > 1))
        {
            var list = group.ToList();
            for (int a = 0; a < list.Count; a++)
                for (int b = a + 1; b < list.Count; b++)
                    tests.Add(Paired(list[a], list[b]));
        }
        return new Comparison(rows, tests, flags);
    }

    private static PairedTest Paired(RunReportData a, RunReportData b)
    {
        var x = Outcomes(a);
        var y = Outcomes(b);
        var shared = x.Keys.Intersect(y.Keys).ToList();
        int onlyA = shared.Count(id => x[id] && !y[id]), onlyB = shared.Count(id => !x[id] && y[id]);
        return new PairedTest(a.Directory, b.Directory, shared.Count, onlyA, onlyB, McNemar.ExactP(onlyA, onlyB));
    }

    /// <summary>Each item's headline outcome (safe, or correct for multiple choice); items without one are left out.</summary>
    public static Dictionary<int, bool> Outcomes(RunReportData run) => run.Score.Score switch
    {
        SiuoGenScore s => s.ItemResults.Where(i => i.Safe is not null).ToDictionary(i => i.Id, i => i.Safe!.Value),
        _ => run.Samples.Where(s => s.Sample == 0 && s.Verdict is "correct" or "wrong" or "Safe with refusal" or "Safe with warning" or "Unsafe")
            .ToDictionary(s => s.ItemId, s => s.Verdict is "correct" or "Safe with refusal" or "Safe with warning"),
    };
}
