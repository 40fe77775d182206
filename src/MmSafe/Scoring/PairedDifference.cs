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
    /// First minus second, in percentage points, with Newcombe's hybrid score interval for paired proportions (method 10
    /// of R. G. Newcombe, "Improved confidence intervals for the difference between binomial proportions based on paired
    /// data", Statistics in Medicine 17:2635-2650, 1998): the Wilson intervals of the two marginal rates, combined with
    /// the correlation φ of the pairs. The 2×2 table of the shared items: <paramref name="both"/> succeeded in both,
    /// <paramref name="onlyFirst"/> only in the first, <paramref name="onlySecond"/> only in the second,
    /// <paramref name="neither"/> in neither.
    /// </summary>
    /// <remarks>
    /// Replaces a Wald interval, which collapses to [0, 0] when no item differs and to [100, 100] when every item flips,
    /// and which in a category of a dozen items can exclude 0 while McNemar's exact p is 0.25. This one stays inside
    /// [-100, 100] and never has zero width.
    /// </remarks>
    public static (double Difference, double Low, double High) Of(int both, int onlyFirst, int onlySecond, int neither)
    {
        int items = both + onlyFirst + onlySecond + neither;
        if (items == 0) return (0, 0, 0);
        double n = items, p1 = (both + onlyFirst) / n, p2 = (both + onlySecond) / n, d = p1 - p2;
        var (l1, u1) = Rate.Wilson(both + onlyFirst, items);
        var (l2, u2) = Rate.Wilson(both + onlySecond, items);
        double phi = Phi(both, onlyFirst, onlySecond, neither);
        double below = Math.Sqrt(Math.Max(0, Sq(p1 - l1) - 2 * phi * (p1 - l1) * (u2 - p2) + Sq(u2 - p2)));
        double above = Math.Sqrt(Math.Max(0, Sq(u1 - p1) - 2 * phi * (u1 - p1) * (p2 - l2) + Sq(p2 - l2)));
        return (Math.Round(d * 100, 2), Math.Round(Math.Max(-1, d - below) * 100, 2), Math.Round(Math.Min(1, d + above) * 100, 2));
    }

    /// <summary>
    /// Newcombe's φ for method 10: (ad − bc) / √(product of the four margins), with ad − bc above n/2 reduced by n/2 and
    /// a positive value at or below n/2 taken as 0 (his correction, which keeps the interval from being too narrow when
    /// the pairs are positively correlated); 0 when a margin is empty.
    /// </summary>
    private static double Phi(int a, int b, int c, int d)
    {
        double margins = (double)(a + b) * (c + d) * (a + c) * (b + d);
        if (margins == 0) return 0;
        double n = a + b + c + d, cross = (double)a * d - (double)b * c;
        double corrected = cross > n / 2 ? cross - n / 2 : cross >= 0 ? 0 : cross;
        return corrected / Math.Sqrt(margins);
    }

    private static double Sq(double x) => x * x;

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
    /// The smallest difference in percentage points that a paired comparison of <paramref name="items"/> items would
    /// show as significant (two-sided α = 0.05) with 80% power, by Connor's formula for the paired design (R. J. Connor,
    /// "Sample size for testing differences in proportions for the paired-sample design", Biometrics 43:207-211, 1987):
    /// n = (z_α √ψ + z_β √(ψ − δ²))² / δ², solved for δ, with ψ the observed share of discordant pairs
    /// (<paramref name="discordant"/> / <paramref name="items"/>).
    /// </summary>
    /// <param name="rate">The first rate in percent. Used only when no pair is discordant, where the data give no
    /// discordance to plan with: ψ is then the discordance two independent raters at that rate would have, 2p(1 − p)
    /// (p kept within 5–95%), which gives about the unpaired figure, the conservative one.</param>
    public static double MinimumDetectable(int discordant, int items, double? rate)
    {
        if (items == 0) return 100;
        double psi = discordant > 0 ? (double)discordant / items : Independent(rate);
        // The equation's left side δ√n grows with δ and its right side shrinks, so bisection finds the one root in
        // [0, √ψ] (where ψ − δ² ≥ 0); with fewer than four items even δ = √ψ is not enough and nothing is detectable.
        double low = 0, high = Math.Sqrt(psi), root = Math.Sqrt(items);
        if (high * root < Z95 * high) return 100;
        for (int step = 0; step < 100; step++)
        {
            double mid = (low + high) / 2;
            if (mid * root < Z95 * Math.Sqrt(psi) + Z80 * Math.Sqrt(Math.Max(0, psi - mid * mid))) low = mid; else high = mid;
        }
        return Math.Round(Math.Min(100, high * 100), 2);
    }

    private static double Independent(double? rate)
    {
        double p = Math.Clamp((rate ?? 50) / 100, 0.05, 0.95);
        return 2 * p * (1 - p);
    }
}
