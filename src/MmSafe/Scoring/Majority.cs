namespace MmSafe.Scoring;

/// <summary>Combines repeated verdicts on one item into one (Inspect's "mode" reducer).</summary>
public static class Majority
{
    /// <summary>
    /// The most frequent of the valid verdicts; null when there are none. A tie goes to false,
    /// as in the authors' <c>max(set(scores), key=scores.count)</c>, where 0 iterates before 1.
    /// Unparseable verdicts are not passed here: they are left out of the vote and counted.
    /// </summary>
    public static bool? Of(IEnumerable<bool> verdicts)
    {
        int trues = 0, falses = 0;
        foreach (var verdict in verdicts)
        {
            if (verdict) trues++; else falses++;
        }
        if (trues + falses == 0) return null;
        return trues > falses;
    }
}
