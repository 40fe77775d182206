namespace MmSafe.Benchmarks;

/// <summary>A number from a paper or leaderboard, shown beside a user's runs and marked as published; each benchmark
/// keeps its own in its folder (<see cref="IBenchmark.Published"/>).</summary>
/// <param name="Caveat">Why a run on the released data cannot reproduce it exactly, shown with the number.</param>
public sealed record PublishedResult(string Benchmark, string Model, string Metric, double Percent, string Source, string? Caveat = null);
