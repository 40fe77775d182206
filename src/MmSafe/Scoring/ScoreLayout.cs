namespace MmSafe.Scoring;

/// <summary>How a benchmark's score is laid out: its metrics (the first is the headline), counters, rounding and groups.</summary>
/// <param name="Counters">Per-item counts summed over a group, e.g. unreadable verdicts; keys as in JSON.</param>
/// <param name="BySubCategory">Whether rates are also reported per sub-category.</param>
/// <param name="CounterNote">One sentence that says what the counters mean and how they were treated.</param>
public sealed record ScoreLayout(
    string Benchmark,
    string Title,
    IReadOnlyList<Metric> Metrics,
    IReadOnlyList<Metric> Counters,
    Rounding Rounding,
    bool BySubCategory,
    string CounterNote)
{
    public Metric Headline => Metrics[0];

    /// <summary>The metric with <paramref name="key"/>, or null.</summary>
    public Metric? Find(string key) => Metrics.FirstOrDefault(m => m.Key == key);

    /// <summary>Metrics that split the items between them (VLSBench: refusal, warning, unsafe), drawn stacked.</summary>
    public IReadOnlyList<string> Parts { get; init; } = [];

    /// <summary>A metric drawn beside the headline per category (SIUO: effective).</summary>
    public string? Versus { get; init; }
}
