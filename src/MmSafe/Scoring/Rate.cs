namespace MmSafe.Scoring;

/// <summary>
/// A proportion with its 95% Wilson score interval. <see cref="Percent"/> and the bounds are
/// percentages with two decimals; all three are null when nothing was counted.
/// </summary>
public sealed record Rate(int Successes, int Count, double? Percent, double? Low, double? High)
{
    /// <summary>The interval method, named in every output that shows an interval.</summary>
    public const string IntervalMethod = "wilson";

    private const double Z95 = 1.959963984540054;

    /// <summary>Computes k / n the way the authors do ((k / n) * 100, then their rounding).</summary>
    public static Rate Of(int successes, int count, Rounding rounding = Rounding.Python)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, count);
        if (count == 0) return new Rate(0, 0, null, null, null);
        double p = (double)successes / count;
        var (low, high) = Wilson(successes, count);
        return new Rate(successes, count, rounding.ToTwoDecimals(p * 100),
            Rounding.Python.ToTwoDecimals(low * 100), Rounding.Python.ToTwoDecimals(high * 100));
    }

    /// <summary>The Wilson score interval for k successes in n trials at 95%.</summary>
    public static (double Low, double High) Wilson(int successes, int count)
    {
        double n = count, p = successes / n, z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = Z95 * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    public override string ToString() => Percent is null ? "n/a" : $"{Percent:F2}% [{Low:F2}, {High:F2}] ({Successes}/{Count})";
}
