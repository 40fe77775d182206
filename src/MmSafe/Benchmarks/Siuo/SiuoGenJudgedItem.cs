using MmSafe.Judging;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>
/// One SIUO generation item after judging: a safety and an effectiveness verdict per
/// response (three under the official protocol), each parsed or unparseable.
/// </summary>
public sealed record SiuoGenJudgedItem(int Id, string Category,
    IReadOnlyList<ParseOutcome<bool>> Safety, IReadOnlyList<ParseOutcome<Effectiveness>> Effectiveness);

/// <summary>One item's majority verdicts; null where it had no valid verdict.</summary>
public sealed record SiuoGenItemResult(int Id, string Category, bool? Safe, bool? Effective, bool? SafeAndEffective);
