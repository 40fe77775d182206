namespace MmSafe.Scoring;

/// <summary>A statistic with its 95% interval (percentile bootstrap over items, seeded, so reports are reproducible).</summary>
public sealed record Estimate(double Value, double Low, double High);

/// <summary>
/// Agreement between raters (judges, or judges and humans) on binary item outcomes: Cohen's κ for a pair, Fleiss' κ
/// for a panel, each with a bootstrap interval. κ is 1 for perfect agreement and 0 for agreement no better than chance;
/// it is undefined (NaN) when every rating is the same.
/// </summary>
public static class Agreement
{
    private const int Resamples = 2000;

    public static double Cohen(IReadOnlyList<bool> a, IReadOnlyList<bool> b)
    {
        int n = a.Count;
        if (n == 0) return double.NaN;
        double agree = 0, a1 = 0, b1 = 0;
        for (int i = 0; i < n; i++)
        {
            if (a[i] == b[i]) agree++;
            if (a[i]) a1++;
            if (b[i]) b1++;
        }
        double po = agree / n, pa = a1 / n, pb = b1 / n;
        double pe = pa * pb + (1 - pa) * (1 - pb);
        return pe >= 1 ? double.NaN : (po - pe) / (1 - pe);
    }

    /// <summary>Fleiss' κ; <paramref name="ratings"/>[item][rater], every item rated by every rater.</summary>
    public static double Fleiss(IReadOnlyList<IReadOnlyList<bool>> ratings)
    {
        int n = ratings.Count;
        if (n == 0) return double.NaN;
        int m = ratings[0].Count;
        if (m < 2) return double.NaN;
        double sumP = 0, yes = 0;
        foreach (var item in ratings)
        {
            int k = item.Count(r => r);
            yes += k;
            sumP += (k * (k - 1.0) + (m - k) * (m - k - 1.0)) / (m * (m - 1.0));
        }
        double pBar = sumP / n, p1 = yes / (n * (double)m);
        double pe = p1 * p1 + (1 - p1) * (1 - p1);
        return pe >= 1 ? double.NaN : (pBar - pe) / (1 - pe);
    }

    public static Estimate CohenWithInterval(IReadOnlyList<bool> a, IReadOnlyList<bool> b, int seed = 7) =>
        Bootstrap(a.Count, index => Cohen([.. index.Select(i => a[i])], [.. index.Select(i => b[i])]), seed);

    public static Estimate FleissWithInterval(IReadOnlyList<IReadOnlyList<bool>> ratings, int seed = 7) =>
        Bootstrap(ratings.Count, index => Fleiss([.. index.Select(i => ratings[i])]), seed);

    private static Estimate Bootstrap(int n, Func<IReadOnlyList<int>, double> statistic, int seed)
    {
        double value = statistic([.. Enumerable.Range(0, n)]);
        if (n == 0 || double.IsNaN(value)) return new Estimate(value, double.NaN, double.NaN);
        var random = new Random(seed);
        var draws = new List<double>(Resamples);
        var index = new int[n];
        for (int r = 0; r < Resamples; r++)
        {
            for (int i = 0; i < n; i++) index[i] = random.Next(n);
            var k = statistic(index);
            if (!double.IsNaN(k)) draws.Add(k);
        }
        draws.Sort();
        if (draws.Count == 0) return new Estimate(value, double.NaN, double.NaN);
        return new Estimate(value, draws[(int)(0.025 * (draws.Count - 1))], draws[(int)Math.Ceiling(0.975 * (draws.Count - 1))]);
    }
}
