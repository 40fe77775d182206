namespace MmSafe.Benchmarks.Siuo;

/// <summary>SIUO's published numbers (see the protocol notes): shown beside a run, never measured by this tool.</summary>
public static class SiuoPublished
{
    private const string Source = "SIUO project leaderboard (human-judged), Wang et al. 2024";

    public static readonly IReadOnlyList<PublishedResult> Generation =
    [
        new("siuo-gen", "GPT-4V", "safe", 53.29, Source),
        new("siuo-gen", "GPT-4o", "safe", 50.90, Source),
        new("siuo-gen", "Gemini-1.5-Pro", "safe", 52.10, Source),
        new("siuo-gen", "LLaVA-1.5-7B", "safe", 21.56, Source),
    ];

    public static readonly IReadOnlyList<PublishedResult> MultipleChoice =
    [
        new("siuo-mcqa", "GPT-4o", "accuracy", 41.32, Source),
        new("siuo-mcqa", "random choice", "accuracy", 24.95, Source),
    ];
}
