using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>One target-model answer (or its permanent failure) for one sample of one item.</summary>
public sealed record StoredSample(int ItemId, int Sample, string RequestKey, CompletionKind? Kind, string? Text, string? Refusal,
    string? FinishReason, string? Error, long? InputTokens, long? OutputTokens, double LatencyMs, DateTimeOffset At)
{
    public bool Failed => Error is not null;

    /// <summary>What is judged and exported: the content, or the refusal given instead of content.</summary>
    public string ScoredText => Kind == CompletionKind.Refused ? Refusal ?? "" : Text ?? "";
}

/// <summary>One judge reply (raw text, kept verbatim) on one aspect of one sample, or its failure.</summary>
/// <param name="Aspect">"safety", "effectiveness" or "label".</param>
public sealed record StoredVerdict(string Judge, int ItemId, int Sample, string Aspect, string RequestKey, CompletionKind? Kind, string? Raw,
    string? Error, long? InputTokens, long? OutputTokens, double LatencyMs, DateTimeOffset At)
{
    public bool Failed => Error is not null;

    /// <summary>The judge declined or was filtered: an outcome of its own, neither safe nor unsafe.</summary>
    public bool JudgeDeclined => Kind is CompletionKind.Refused or CompletionKind.ContentFiltered or CompletionKind.PolicyBlocked;
}
