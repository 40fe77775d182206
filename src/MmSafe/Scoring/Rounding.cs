using System.Numerics;

namespace MmSafe.Scoring;

/// <summary>How a benchmark's authors round a percentage to two decimals; we match them bit for bit.</summary>
public enum Rounding
{
    /// <summary>Python's <c>round(x, 2)</c> (SIUO): the exact binary value, half to even.</summary>
    Python,

    /// <summary>NumPy's <c>np.round(x, 2)</c> (VLSBench): <c>rint(x * 100) / 100</c>.</summary>
    NumPy,
}

public static class RoundingExtensions
{
    public static double ToTwoDecimals(this Rounding rule, double value) => rule switch
    {
        Rounding.NumPy => Math.Round(value * 100, MidpointRounding.ToEven) / 100,
        _ => PythonRound2(value),
    };

    // Rounds the exact value of the double (m * 2^e) at two decimals, ties to even, as CPython does.
    private static double PythonRound2(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) return value;
        if (value < 0) return -PythonRound2(-value);
        long bits = BitConverter.DoubleToInt64Bits(value);
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & ((1L << 52) - 1);
        if (exponent == 0) exponent = 1; else mantissa |= 1L << 52;
        exponent -= 1075;
        BigInteger hundredths;
        if (exponent >= 0)
        {
            hundredths = (BigInteger)mantissa * 100 << exponent;
        }
        else
        {
            var numerator = (BigInteger)mantissa * 100;
            var denominator = BigInteger.One << -exponent;
            hundredths = BigInteger.DivRem(numerator, denominator, out var remainder);
            int cmp = (remainder * 2).CompareTo(denominator);
            if (cmp > 0 || (cmp == 0 && !hundredths.IsEven)) hundredths += 1;
        }
        return (double)hundredths / 100;
    }
}
