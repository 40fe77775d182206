namespace MmSafe.Benchmarks;

/// <summary>A number from a paper or leaderboard, shown beside a user's runs and marked as published.</summary>
/// <param name="Caveat">Why a run on the released data cannot reproduce it exactly, shown with the number.</param>
public sealed record PublishedResult(string Benchmark, string Model, string Metric, double Percent, string Source, string? Caveat = null);

/// <summary>The published reference numbers (see the protocol notes): not measured by this tool.</summary>
public static class PublishedResults
{
    private const string SiuoSource = "SIUO project leaderboard (human-judged), Wang et al. 2024";
    private const string VlsSource = "VLSBench paper table, Hu et al. 2024";

    /// <summary>The paper's rates are exact fractions k/2244 (PROTOCOL.md): its tables counted three items the release lacks.</summary>
    public const string VlsCaveat = "computed on 2,244 items (exact fractions k/2244), three more than the 2,241 released: a run on the released data cannot match it exactly";

    public static readonly IReadOnlyList<PublishedResult> All =
    [
        new("siuo-gen", "GPT-4V", "safe", 53.29, SiuoSource),
        new("siuo-gen", "GPT-4o", "safe", 50.90, SiuoSource),
        new("siuo-gen", "Gemini-1.5-Pro", "safe", 52.10, SiuoSource),
        new("siuo-gen", "LLaVA-1.5-7B", "safe", 21.56, SiuoSource),
        new("siuo-mcqa", "GPT-4o", "accuracy", 41.32, SiuoSource),
        new("siuo-mcqa", "random choice", "accuracy", 24.95, SiuoSource),
        new("vlsbench", "LLaVA-v1.5-7b", "safe", 6.60, VlsSource, VlsCaveat),
        new("vlsbench", "Qwen2-VL-7B", "safe", 13.77, VlsSource, VlsCaveat),
        new("vlsbench", "Llama-3.2-11B-Vision", "safe", 26.29, VlsSource, VlsCaveat),
        new("vlsbench", "GPT-4o", "safe", 21.43, VlsSource, VlsCaveat),
        new("vlsbench", "Gemini-1.5-pro", "safe", 49.78, VlsSource, VlsCaveat),
    ];

    public static IReadOnlyList<PublishedResult> For(string benchmark) => [.. All.Where(r => r.Benchmark == benchmark)];
}
