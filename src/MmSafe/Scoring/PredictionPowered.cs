namespace MmSafe.Scoring;

/// <summary>One item of the population: its stratum (a category, or null for none), the judge's verdict on it, and
/// the human label when the item is in the labelled subset.</summary>
public readonly record struct PpiItem(string? Stratum, bool Judge, bool? Human);

/// <summary>
/// A prediction-powered estimate of a rate (proportions, 0..1): <see cref="Estimate"/> with its interval
/// <see cref="Low"/>..<see cref="High"/> (clamped to [0, 1]). Its variance is <see cref="JudgeVariance"/> (the judge's
/// part, fixed by N) plus <see cref="RectifierVariance"/> / n (the labels' part), so the labels a width needs follow. For a
/// stratified estimate <see cref="RectifierVariance"/> is Σ w_h var(y − f)_h, the per-label figure under proportional allocation.
/// </summary>
/// <param name="Stratified">True when computed per stratum and weighted by each stratum's share of N.</param>
public sealed record PpiEstimate(double Estimate, double Low, double High, double StandardError, int Population, int Labelled, bool Stratified,
    double JudgeVariance, double RectifierVariance)
{
    /// <summary>
    /// How many labels in all give an interval of <paramref name="width"/> (full width, as a proportion) at
    /// <paramref name="z"/>, with the rectifier's variance as estimated now: null when the judge's part alone is
    /// already wider (no number of labels reaches it).
    /// </summary>
    public int? LabelsFor(double width, double z = PredictionPowered.Z95)
    {
        double half = width / (2 * z), room = half * half - JudgeVariance;
        if (room <= 0) return null;
        return (int)Math.Ceiling(RectifierVariance / room);
    }
}

/// <summary>
/// Prediction-powered inference for a mean (Angelopoulos et al., "Prediction-powered inference", Science 2023):
/// θ = mean_N(f) + mean_n(y − f), with f the judge's verdict on every item and y the human label on a random subset,
/// and the interval θ ± z·√(var_N(f)/N + var_n(y − f)/n). Variances use the n − 1 denominator. For a subset drawn by
/// stratum, each stratum h is estimated alike and weighted by its share of N, w_h = N_h / N: θ = Σ w_h θ_h and
/// var = Σ w_h² (var(f)_h / N_h + var(y − f)_h / n_h) (the stratified form, section "Stratified sampling" of the
/// paper's supplement); under proportional allocation n_h = w_h n, so the labels' part is (Σ w_h var(y − f)_h) / n.
/// </summary>
public static class PredictionPowered
{
    /// <summary>The normal quantile of a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The estimate over every item as one random sample.</summary>
    public static PpiEstimate Random(IReadOnlyList<PpiItem> items, double z = Z95)
    {
        var f = items.Select(i => i.Judge ? 1.0 : 0.0).ToList();
        var rectifier = items.Where(i => i.Human is not null).Select(i => (i.Human!.Value ? 1.0 : 0.0) - (i.Judge ? 1.0 : 0.0)).ToList();
        if (rectifier.Count < 2) throw new ArgumentException("Prediction-powered inference needs at least two labelled items.", nameof(items));
        double judgeVariance = Variance(f) / f.Count, rectifierVariance = Variance(rectifier);
        return Make(f.Average() + rectifier.Average(), judgeVariance, rectifierVariance, items.Count, rectifier.Count, false, z);
    }

    /// <summary>The stratified form: every stratum needs at least two labelled items.</summary>
    public static PpiEstimate Stratified(IReadOnlyList<PpiItem> items, double z = Z95)
    {
        int n = items.Count(i => i.Human is not null);
        if (n < 2) throw new ArgumentException("Prediction-powered inference needs at least two labelled items.", nameof(items));
        double estimate = 0, judgeVariance = 0, rectifierPart = 0, nVariance = 0;
        foreach (var stratum in items.GroupBy(i => i.Stratum ?? ""))
        {
            var h = stratum.ToList();
            double w = (double)h.Count / items.Count;
            var f = h.Select(i => i.Judge ? 1.0 : 0.0).ToList();
            var r = h.Where(i => i.Human is not null).Select(i => (i.Human!.Value ? 1.0 : 0.0) - (i.Judge ? 1.0 : 0.0)).ToList();
            if (r.Count < 2) throw new ArgumentException($"Stratum '{stratum.Key}' has {r.Count} labelled items; the stratified form needs at least two in each.", nameof(items));
            estimate += w * (f.Average() + r.Average());
            judgeVariance += w * w * Variance(f) / f.Count;
            rectifierPart += w * w * Variance(r) / r.Count;
            nVariance += w * Variance(r);
        }
        // The labels' variance as it is (any allocation), and the per-label figure for planning under proportional allocation.
        var e = Make(estimate, judgeVariance, rectifierPart * n, items.Count, n, true, z);
        return e with { RectifierVariance = nVariance };
    }

    /// <summary>Whether the stratified form can be used: every stratum holds at least two labelled items.</summary>
    public static bool CanStratify(IReadOnlyList<PpiItem> items) =>
        items.GroupBy(i => i.Stratum ?? "").All(g => g.Count(i => i.Human is not null) >= 2);

    private static PpiEstimate Make(double estimate, double judgeVariance, double rectifierVariance, int population, int labelled, bool stratified, double z)
    {
        double se = Math.Sqrt(judgeVariance + rectifierVariance / labelled);
        return new PpiEstimate(Math.Clamp(estimate, 0, 1), Math.Max(0, estimate - z * se), Math.Min(1, estimate + z * se), se, population, labelled, stratified,
            judgeVariance, rectifierVariance);
    }

    /// <summary>The sample variance (n − 1 denominator); 0 for a single value.</summary>
    public static double Variance(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
    }
}
