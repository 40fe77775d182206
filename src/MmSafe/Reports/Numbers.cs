using System.Globalization;

namespace MmSafe.Reports;

/// <summary>How every output writes a number: percentage points with two decimals, p-values with four (or in e-notation when tiny).</summary>
public static class Numbers
{
    public static string Points(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F2", CultureInfo.InvariantCulture);

    public static string Points(double? value) => value is { } v ? Points(v) : "n/a";

    /// <summary>"0.50 [0.12, 0.81]", or why there is none.</summary>
    public static string Kappa(Scoring.Estimate e) => double.IsNaN(e.Value) ? "n/a (no variation)" : $"{Points(e.Value)} [{Points(e.Low)}, {Points(e.High)}]";

    public static string PValue(double p) => p < 0.0001 ? p.ToString("0.0e+0", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);
}
