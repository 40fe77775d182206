namespace MmSafe.Scoring;

/// <summary>
/// One item's score, as a benchmark computes it once its verdicts are in, and as the store keeps it: each metric's
/// value (null where no valid verdict or no real answer decided it), counters (unreadable verdicts, unanswered…),
/// one reading per answer for reports, and the parse problems met.
/// </summary>
/// <param name="Scored">False when the item had no real answer (all filtered, empty, failed…): it is left out of the rates.</param>
public sealed record ItemScore(
    string Id,
    string? Category,
    string? SubCategory,
    bool Scored,
    IReadOnlyDictionary<string, bool?> Values,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<AnswerReading> Answers,
    IReadOnlyList<string> Diagnostics);

/// <summary>What one answer was read as: a short verdict per aspect ("safe", "Safe with warning", "correct", "not scored: ContentFiltered").</summary>
public sealed record AnswerReading(int Sample, string Outcome, IReadOnlyDictionary<string, string> Aspects)
{
    /// <summary>The first aspect's reading, or the outcome when nothing was read.</summary>
    public string Headline => Aspects.Count > 0 ? Aspects.First().Value : Outcome;
}
