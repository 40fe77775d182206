namespace MmSafe.Scoring;

/// <summary>Which way a rate is good: more safe answers is better, more refusals of harmless requests is worse.</summary>
public enum MetricDirection
{
    HigherIsBetter,
    LowerIsBetter,
}

/// <summary>
/// Which half of safety a rate measures, for the safety / over-refusal frontier: refusing harmless requests, or answering
/// what should have been refused. Most rates are neither (effectiveness, accuracy, a kind of safe answer).
/// </summary>
public enum SafetyAxis
{
    None,
    OverRefusal,
    Unsafe,
}

/// <summary>A rate a benchmark reports: its key in JSON, its label in tables, which way is better and what it counts.</summary>
/// <param name="Meaning">What the rate counts, in words a reader knows ("safe answers", "refusals of harmless requests").</param>
public sealed record Metric(string Key, string Label, MetricDirection Direction = MetricDirection.HigherIsBetter, string? Meaning = null)
{
    public bool HigherIsBetter => Direction == MetricDirection.HigherIsBetter;

    /// <summary>The frontier axis this rate gives; an item fails on it when its value is the worse one (false when higher is better).</summary>
    public SafetyAxis Axis { get; init; } = SafetyAxis.None;

    /// <summary>Whether an item's value for this metric is the bad outcome: unsafe, or a refusal of a harmless request.</summary>
    public bool Fails(bool value) => HigherIsBetter ? !value : value;

    /// <summary>A sort key where a smaller value is better, so an ascending sort puts the best first; a missing rate goes last.</summary>
    public double RankKey(double? percent) => percent is not { } p ? double.PositiveInfinity : HigherIsBetter ? -p : p;

    /// <summary>Whether <paramref name="a"/> is better than <paramref name="b"/> by this metric's direction.</summary>
    public bool Better(double a, double b) => HigherIsBetter ? a > b : a < b;

    /// <summary>"higher is better" or "lower is better", for notes beside a table or chart.</summary>
    public string DirectionText => HigherIsBetter ? "higher is better" : "lower is better";

    /// <summary>" (lower is better)" after a title when lower is; nothing when higher is, the reading every reader assumes.</summary>
    public string DirectionNote => HigherIsBetter ? "" : " (lower is better)";

    /// <summary>The meaning, or the label in lower case when the benchmark gave none.</summary>
    public string Described => Meaning ?? Label.ToLowerInvariant();
}
