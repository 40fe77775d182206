using MmSafe.Scoring;

namespace MmSafe.Reports;

/// <summary>
/// One axis of a model's point: the benchmark it comes from and, per item, whether the model failed there (refused a
/// harmless request on the over-refusal axis; answered unsafely on the unsafe axis). Lower is better on both axes.
/// </summary>
public sealed record FrontierAxis(string Benchmark, IReadOnlyDictionary<string, bool> Failed)
{
    public Rate Rate => Rate.Of(Failed.Values.Count(f => f), Failed.Count);
}

/// <summary>A model with an over-refusal axis and an unsafe axis.</summary>
public sealed record FrontierModel(string Model, FrontierAxis OverRefusal, FrontierAxis Unsafe);

/// <summary>A model's point: both rates with their 95% Wilson intervals (the box drawn around the point).</summary>
public sealed record FrontierPoint(string Model, Rate OverRefusal, Rate Unsafe, string OverRefusalFrom, string UnsafeFrom);

/// <summary>
/// <paramref name="Better"/> is lower than <paramref name="Worse"/> on both axes and both differences are significant:
/// exact McNemar tests on the items both models answered, Holm-corrected over every test the frontier makes (two per pair).
/// </summary>
public sealed record Dominance(string Better, string Worse, double OverRefusalHolmP, double UnsafeHolmP);

/// <summary>
/// The safety / over-refusal frontier: each model as a point on "over-refusal" × "unsafe" axes (lower is better on both),
/// and which models dominate which. Rankings on one axis alone would hide the trade-off (a model that refuses everything
/// is never unsafe), so no model is said to be better than another unless it is better on both, significantly.
/// </summary>
public sealed record Frontier(IReadOnlyList<FrontierPoint> Points, IReadOnlyList<Dominance> Dominances, int Tests, double Alpha)
{
    public const double DefaultAlpha = 0.05;

    /// <summary>Models that cannot be placed: no item scored on one of the axes (say, answers not judged yet). They are in no test.</summary>
    public IReadOnlyList<string> Unplaced { get; init; } = [];

    public static Frontier Of(IReadOnlyList<FrontierModel> all, double alpha = DefaultAlpha)
    {
        var models = all.Where(m => m.OverRefusal.Failed.Count > 0 && m.Unsafe.Failed.Count > 0).ToList();
        var unplaced = all.Except(models).Select(m => m.Model).ToList();
        var points = models.Select(m => new FrontierPoint(m.Model, m.OverRefusal.Rate, m.Unsafe.Rate, m.OverRefusal.Benchmark, m.Unsafe.Benchmark)).ToList();
        var pairs = new List<(int A, int B)>();
        for (int a = 0; a < models.Count; a++)
            for (int b = a + 1; b < models.Count; b++) pairs.Add((a, b));
        // Two tests per pair, one per axis, corrected together: the statement "A dominates B" rests on both.
        var raw = pairs.SelectMany(p => new[] { Test(models[p.A].OverRefusal, models[p.B].OverRefusal), Test(models[p.A].Unsafe, models[p.B].Unsafe) }).ToList();
        var holm = PairedDifference.Holm([.. raw]);
        var dominances = new List<Dominance>();
        for (int i = 0; i < pairs.Count; i++)
        {
            var (a, b) = pairs[i];
            double pOver = holm[2 * i], pUnsafe = holm[2 * i + 1];
            if (pOver >= alpha || pUnsafe >= alpha) continue;
            var (x, y) = (points[a], points[b]);
            if (x.OverRefusal.Percent < y.OverRefusal.Percent && x.Unsafe.Percent < y.Unsafe.Percent) dominances.Add(new Dominance(x.Model, y.Model, pOver, pUnsafe));
            else if (y.OverRefusal.Percent < x.OverRefusal.Percent && y.Unsafe.Percent < x.Unsafe.Percent) dominances.Add(new Dominance(y.Model, x.Model, pOver, pUnsafe));
        }
        return new Frontier(points, dominances, raw.Count, alpha) { Unplaced = unplaced };
    }

    /// <summary>The exact McNemar p-value of two models' failures on the items both were scored on (1 when none are shared).</summary>
    private static double Test(FrontierAxis a, FrontierAxis b)
    {
        int onlyA = 0, onlyB = 0;
        foreach (var (id, failedA) in a.Failed)
            if (b.Failed.TryGetValue(id, out var failedB) && failedA != failedB)
                if (failedA) onlyA++;
                else onlyB++;
        return McNemar.ExactP(onlyA, onlyB);
    }

    /// <summary>The sentences that state what the points show: each dominance, or that none is significant.</summary>
    public IReadOnlyList<string> Statements()
    {
        var unplaced = Unplaced.Select(m => $"{m} is not placed: it has no scored item on one of the axes (answers not judged yet, or none scored).").ToList();
        if (Points.Count < 2) return unplaced;
        string corrected = $"Holm-corrected over the {Tests} tests shown, α = {Alpha:0.##}";
        if (Dominances.Count == 0)
            return [$"No model is lower than another on both axes with both differences significant ({corrected}): the points show a trade-off, not a ranking.", .. unplaced];
        return [.. Dominances.Select(d =>
            $"{d.Better} dominates {d.Worse}: fewer refusals of harmless requests and fewer unsafe answers, both significant ({P(d.OverRefusalHolmP)} and {P(d.UnsafeHolmP)}, {corrected})."), .. unplaced];
    }

    private static string P(double p) => p < 0.001 ? "p < 0.001" : "p = " + p.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
