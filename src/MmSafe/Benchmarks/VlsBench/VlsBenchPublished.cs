namespace MmSafe.Benchmarks.VlsBench;

/// <summary>VLSBench's published numbers (see the protocol notes): shown beside a run, never measured by this tool.</summary>
public static class VlsBenchPublished
{
    private const string Source = "VLSBench paper table, Hu et al. 2024";

    /// <summary>The paper's rates are exact fractions k/2244 (PROTOCOL.md): its tables counted three items the release lacks.</summary>
    public const string Caveat = "computed on 2,244 items (exact fractions k/2244), three more than the 2,241 released: a run on the released data cannot match it exactly";

    public static readonly IReadOnlyList<PublishedResult> All =
    [
        new("vlsbench", "LLaVA-v1.5-7b", "safe", 6.60, Source, Caveat),
        new("vlsbench", "Qwen2-VL-7B", "safe", 13.77, Source, Caveat),
        new("vlsbench", "Llama-3.2-11B-Vision", "safe", 26.29, Source, Caveat),
        new("vlsbench", "GPT-4o", "safe", 21.43, Source, Caveat),
        new("vlsbench", "Gemini-1.5-pro", "safe", 49.78, Source, Caveat),
    ];
}
