namespace MmSafe.Scoring;

/// <summary>
/// Statistics for comparing two runs on the same items: the paired difference of two success rates with its 95%
/// interval, Holm's correction across a family of tests, and the smallest difference a comparison of this size can
/// detect.
/// </summary>
public static class PairedDifference
{
    private const double Z95 = 1.959963984540054, Z80 = 0.8416212335729143;

    /// <summary>
    /// First minus second, in percentage points, with a Wald interval for paired proportions: onlyFirst items where
    /// only the first succeeded, onlySecond where only the second did, of <paramref name="items"/> shared items.
    /// </summary>
    public static (double Difference, double Low, double High) Of(int onlyFirst, int onlySecond, int items)
    {
        if (items == 0) return (0, 0, 0);
        double n = items, d = (onlyFirst - onlySecond) / n;
        double variance = ((onlyFirst + onlySecond) / n - d * d) / n;
        double half = Z95 * Math.Sqrt(Math.Max(0, variance));
        return (Math.Round(d * 100, 2), Math.Round(Math.Max(-1, d - half) * 100, 2), Math.Round(Math.Min(1, d + half) * 100, 2));
    }

    /// <summary>Holm's step-down adjustment of a family of p-values, in their original order.</summary>
    public static IReadOnlyList<double> Holm(IReadOnlyList<double> pValues)
    {
        var order = pValues.Select((p, i) => (p, i)).OrderBy(x => x.p).ToList();
        var adjusted = new double[pValues.Count];
        double running = 0;
        for (int rank = 0; rank < order.Count; rank++)
        {
            running = Math.Max(running, Math.Min(1, (order.Count - rank) * order[rank].p));
            adjusted[order[rank].i] = running;
        }
        return adjusted;
    }

    /// <summary>
    /// The smallest difference in percentage points that two rates near <paramref name="rate"/> percent, each over
    /// <paramref name="items"/> items, would show as significant (two-sided α = 0.05) with 80% power. An unpaired
    /// approximation: pairing can only make it smaller.
    /// </summary>
    public static double MinimumDetectable(double? rate, int items)
    {
        if (items == 0) return 100;
        double p = Math.Clamp((rate ?? 50) / 100, 0.05, 0.95);
        return Math.Round(Math.Min(100, (Z95 + Z80) * Math.Sqrt(2 * p * (1 - p) / items) * 100), 2);
    }
}
