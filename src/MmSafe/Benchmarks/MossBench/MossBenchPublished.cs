using System.Globalization;

namespace MmSafe.Benchmarks.MossBench;

/// <summary>A row of the authors' leaderboard: refusal rates on the 300 benign items, overall and per type, in percent.</summary>
public sealed record MossBenchLeaderboardRow(string Model, double All, double ExaggeratedRisk, double NegatedHarm, double CounterintuitiveInterpretation)
{
    /// <summary>The row's rate for a type label, or <see cref="All"/> for null.</summary>
    public double Rate(string? type) => type switch
    {
        null => All,
        "Exaggerated Risk" => ExaggeratedRisk,
        "Negated Harm" => NegatedHarm,
        "Counterintuitive Interpretation" => CounterintuitiveInterpretation,
        _ => throw new ArgumentException($"unknown MOSSBench type '{type}'", nameof(type)),
    };
}

/// <summary>The MOSSBench README leaderboard (2024-06-22): published refusal rates, not measured by this tool.</summary>
public static class MossBenchPublished
{
    public const string Source = "MOSSBench README leaderboard (2024-06-22), Li et al. 2024";

    public const string Caveat = "judged by gpt-4-turbo, now retired: a run judged by another model is a deviation; refusal rate, lower is better";

    public static readonly IReadOnlyList<MossBenchLeaderboardRow> Rows =
    [
        new("Claude 3 Opus (web)", 70.67, 41, 93, 78),
        new("Gemini Advanced", 61, 41, 67, 75),
        new("Claude 3 Sonnet", 55, 39, 65, 61),
        new("Claude 3 Haiku", 49.33, 27, 58, 63),
        new("Claude 3 Opus", 34.67, 11, 43, 55),
        new("Gemini Pro 1.5", 29.33, 25, 28, 35),
        new("Qwen-VL-Chat", 21.67, 16, 13, 36),
        new("InternLM-Xcomposer2-7b", 17.67, 14, 11, 28),
        new("Gemini Pro Vision", 17, 20, 9, 22),
        new("Reka", 16.67, 11, 21, 18),
        new("InstructBLIP-Vicuna-7b", 15.67, 21, 23, 3),
        new("IDEFICS-9b-Instruct", 13.67, 17, 9, 15),
        new("MiniCPM-V 2.0", 12.33, 16, 11, 10),
        new("LLaVA-1.5-7b", 12.33, 18, 10, 9),
        new("mPLUG-Owl2", 10, 11, 7, 12),
        new("LLaVA-1.5-13b", 9.67, 9, 9, 11),
        new("GPT-4o", 6.33, 6, 8, 5),
        new("MiniCPM-Llama3-V 2.5", 6, 8, 5, 5),
        new("GPT-4o (web)", 4, 6, 2, 4),
    ];

    /// <summary>The rows as published results of <c>mossbench</c>'s headline, each with its per-type rates in the source.</summary>
    public static readonly IReadOnlyList<PublishedResult> Results = [.. Rows.Select(r => new PublishedResult("mossbench", r.Model, "refusal", r.All,
        string.Create(CultureInfo.InvariantCulture, $"{Source}; by type: Exaggerated Risk {r.ExaggeratedRisk}, Negated Harm {r.NegatedHarm}, Counterintuitive Interpretation {r.CounterintuitiveInterpretation}"),
        Caveat))];
}
