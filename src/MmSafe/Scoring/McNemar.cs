namespace MmSafe.Scoring;

/// <summary>The exact McNemar test for paired binary outcomes (two models on the same items).</summary>
public static class McNemar
{
    /// <summary>
    /// Two-sided exact p-value from the discordant pairs: <paramref name="onlyFirst"/> items where only
    /// the first model succeeded, <paramref name="onlySecond"/> where only the second did. Under the
    /// null hypothesis each discordant pair goes either way with probability 1/2.
    /// </summary>
    public static double ExactP(int onlyFirst, int onlySecond)
    {
        int n = onlyFirst + onlySecond;
        if (n == 0) return 1;
        int k = Math.Min(onlyFirst, onlySecond);
        // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large n does not overflow.
        double logHalfN = n * Math.Log(0.5), tail = 0, logChoose = 0;
        for (int i = 0; i <= k; i++)
        {
            if (i > 0) logChoose += Math.Log(n - i + 1) - Math.Log(i);
            tail += Math.Exp(logChoose + logHalfN);
        }
        return Math.Min(1, 2 * tail);
    }
}
