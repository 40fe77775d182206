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

    /// <summary>
    /// One item's score from several raters' scores of it: each metric takes the majority of the raters' values (a tie
    /// goes to false). Right for metrics that are independent votes (SIUO); a benchmark whose metrics split the items
    /// between them (VLSBench's labels) combines its own way, see <c>IBenchmark.Combine</c>.
    /// </summary>
    public static ItemScore OfRaters(ScoreLayout layout, IReadOnlyList<ItemScore> scores)
    {
        var values = layout.Metrics.ToDictionary(m => m.Key, m => Of(scores.Select(s => s.Values.GetValueOrDefault(m.Key)).OfType<bool>()));
        return scores[0] with { Scored = scores.Any(s => s.Scored), Values = values, Diagnostics = [$"majority of {scores.Count} judges"] };
    }
}
