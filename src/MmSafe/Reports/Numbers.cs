using System.Globalization;

namespace MmSafe.Reports;

/// <summary>
/// How every output writes a number: percentage points with two decimals, p-values with four (or in e-notation when
/// tiny). No output shows a negative zero: a difference of nothing (or of less than the last decimal shown) is "0.00",
/// not "-0.00", which readers take for a real, if small, drop.
/// </summary>
public static class Numbers
{
    public static string Points(double value) => double.IsNaN(value) ? "n/a" : Fixed(value, "F2");

    public static string Points(double? value) => value is { } v ? Points(v) : "n/a";

    /// <summary>"0.50 [0.12, 0.81]", or why there is none.</summary>
    public static string Kappa(Scoring.Estimate e) => double.IsNaN(e.Value) ? "n/a (no variation)" : $"{Points(e.Value)} [{Points(e.Low)}, {Points(e.High)}]";

    public static string PValue(double p) => p < 0.0001 ? Fixed(p, "0.0e+0") : Fixed(p, "0.0000");

    /// <summary>The value for machine-readable output: NaN (no estimate) as null, and never -0.</summary>
    public static double? Value(double value) => double.IsNaN(value) ? null : value == 0 ? 0.0 : value;

    /// <inheritdoc cref="Value(double)"/>
    public static double? Value(double? value) => value is { } v ? Value(v) : null;

    // A value that rounds to zero keeps its sign in .NET ("-0.00" for -0.0 or -0.001); drop it.
    private static string Fixed(double value, string format)
    {
        var text = value.ToString(format, CultureInfo.InvariantCulture);
        return text.StartsWith('-') && text.AsSpan(1).IndexOfAnyExcept("0.e+-") < 0 ? text[1..] : text;
    }
}
