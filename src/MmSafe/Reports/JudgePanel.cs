using MmSafe.Runs;
using MmSafe.Scoring;

namespace MmSafe.Reports;

/// <summary>One judge's headline rate on the run.</summary>
public sealed record JudgeRate(string Judge, string Model, bool SeesImage, Rate Headline);

/// <summary>
/// Two raters on the items both rated: raw agreement, Cohen's κ with its interval, and the drift of the headline rate
/// (first minus second, percentage points, paired 95% interval, exact McNemar p) with the minimum detectable difference.
/// </summary>
public sealed record JudgePair(string First, string Second, int Items, Rate Agreement, Estimate Kappa, double Drift, double DriftLow, double DriftHigh,
    double PValue, double MinimumDetectable)
{
    /// <summary>What every format shows in place of the figures of a pair with no item both scored (they would read as a real 0).</summary>
    public const string NoSharedItem = "n/a (no item both judges scored)";

    /// <summary>No item was scored by both raters: agreement, κ, drift, McNemar p and MDD are not defined.</summary>
    public bool Undefined => Items == 0;
}

/// <summary>An item the raters did not agree on, with each rater's headline verdict.</summary>
public sealed record Disagreement(string ItemId, string? Category, IReadOnlyDictionary<string, bool> Verdicts);

/// <summary>
/// Several judges (and, when labelled, humans) on one run's answers: per-judge rates, every pair's agreement and drift,
/// Fleiss' κ for the judges, and the items they disagree on.
/// </summary>
public sealed record JudgePanel(string Metric, IReadOnlyList<JudgeRate> Judges, IReadOnlyList<JudgePair> Pairs, Estimate? Fleiss, int FleissItems,
    IReadOnlyList<Disagreement> Disagreements)
{
    /// <summary>The rater name under which imported human labels are stored.</summary>
    public const string Human = "human";

    public static JudgePanel Of(RunContents run)
    {
        var layout = run.Benchmark.Layout;
        var key = layout.Headline.Key;
        var raters = run.Spec.Judges.Select(j => j.Name).Where(run.Scores.ContainsKey).ToList();
        if (run.Scores.ContainsKey(Human)) raters.Add(Human);
        var verdicts = raters.ToDictionary(r => r, r => run.Scores[r].Where(s => s.Scored && s.Values.GetValueOrDefault(key) is not null)
            .ToDictionary(s => s.Id, s => s.Values[key]!.Value));
        var judges = run.Spec.Judges.Where(j => verdicts.ContainsKey(j.Name))
            .Select(j => new JudgeRate(j.Name, j.Model, j.SeesImage, ScoreSheet.Aggregate(layout, run.Scores[j.Name]).HeadlineRate)).ToList();

        var pairs = new List<JudgePair>();
        for (int a = 0; a < raters.Count; a++)
            for (int b = a + 1; b < raters.Count; b++)
                pairs.Add(Pair(raters[a], raters[b], verdicts[raters[a]], verdicts[raters[b]], layout.Rounding));

        var judgeNames = judges.Select(j => j.Judge).ToList();
        var common = judgeNames.Count == 0 ? [] : judgeNames.Select(j => (IEnumerable<string>)verdicts[j].Keys).Aggregate((x, y) => x.Intersect(y)).ToList();
        Estimate? fleiss = judgeNames.Count >= 2 ? Agreement.FleissWithInterval([.. common.Select(id => (IReadOnlyList<bool>)[.. judgeNames.Select(j => verdicts[j][id])])]) : null;
        var categories = run.Samples.ToDictionary(s => s.Id, s => (string?)s.Category);
        var all = raters.SelectMany(r => verdicts[r].Keys).Distinct();
        var disagreements = all.Select(id => (id, votes: raters.Where(r => verdicts[r].ContainsKey(id)).ToDictionary(r => r, r => verdicts[r][id])))
            .Where(x => x.votes.Count > 1 && x.votes.Values.Distinct().Count() > 1)
            .Select(x => new Disagreement(x.id, categories.GetValueOrDefault(x.id), x.votes)).ToList();
        return new JudgePanel(key, judges, pairs, fleiss, common.Count, disagreements);
    }

    internal static JudgePair Pair(string first, string second, Dictionary<string, bool> x, Dictionary<string, bool> y, Rounding rounding)
    {
        var shared = x.Keys.Intersect(y.Keys).ToList();
        var a = shared.Select(id => x[id]).ToList();
        var b = shared.Select(id => y[id]).ToList();
        int onlyA = shared.Count(id => x[id] && !y[id]), onlyB = shared.Count(id => !x[id] && y[id]), both = shared.Count(id => x[id] && y[id]);
        var (d, low, high) = PairedDifference.Of(both, onlyA, onlyB, shared.Count - both - onlyA - onlyB);
        double rate = shared.Count == 0 ? 50 : 100.0 * a.Count(v => v) / shared.Count;
        return new JudgePair(first, second, shared.Count, Rate.Of(shared.Count - onlyA - onlyB, shared.Count, rounding), Agreement.CohenWithInterval(a, b),
            d, low, high, McNemar.ExactP(onlyA, onlyB), PairedDifference.MinimumDetectable(onlyA + onlyB, shared.Count, rate));
    }

    /// <summary>
    /// Each item's score by the majority of the judges, combined by the benchmark's own rule for several answers (a tie
    /// goes to the less safe side), for <c>score --judge majority</c>.
    /// </summary>
    public static IReadOnlyList<ItemScore> Majority(RunContents run)
    {
        var judges = run.Spec.Judges.Select(j => j.Name).Where(run.Scores.ContainsKey).ToList();
        return [.. judges.SelectMany(j => run.Scores[j]).GroupBy(s => s.Id).Select(g => run.Benchmark.Combine([.. g]))];
    }
}
