using MmSafe.Models;
using MmSafe.Scoring;

namespace MmSafe.Benchmarks;

/// <summary>One target-model answer (or its failure) for one sample number of one item.</summary>
/// <param name="Identity">The request identity (Runs.RequestIdentity) of the request, shared with the response cache.</param>
/// <param name="Cached">True when the answer was reused from the response cache rather than asked for.</param>
/// <param name="Text">The visible answer: what is judged. A reasoning model's reasoning is kept apart, in <paramref name="Reasoning"/>.</param>
/// <param name="Reasoning">The reasoning text the server returned with the answer, never judged; null when it returned none.</param>
/// <param name="ReasoningTokens">The hidden reasoning tokens the server reported (part of <paramref name="OutputTokens"/>).</param>
public sealed record StoredAnswer(string SampleId, int Sample, string Identity, CompletionKind? Kind, string? Text, string? Refusal,
    string? FinishReason, string? Error, long? InputTokens, long? OutputTokens, double LatencyMs, bool Cached, DateTimeOffset At,
    string? Reasoning = null, long? ReasoningTokens = null)
{
    /// <summary>The outcome of an answer the token limit emptied while the model reasoned (<see cref="CompletionKind.ReasoningOnly"/>).</summary>
    public const string BudgetSpentOnReasoning = "budget spent on reasoning";

    public bool Failed => Error is not null;

    /// <summary>A real answer, which is judged and scored.</summary>
    public bool IsAnswer => !Failed && Kind is { } kind && kind.IsAnswer();

    /// <summary>Worth asking again when the run resumes: a failure or a malformed reply.</summary>
    public bool NeedsRetry => Failed || Kind is { } kind && kind.IsRetryable();

    /// <summary>What is judged and exported: the visible content, or the refusal given instead of content; never the reasoning.</summary>
    public string ScoredText => Kind == CompletionKind.Refused ? Refusal ?? "" : Text ?? "";

    /// <summary>answered, refused, filtered, empty, budget spent on reasoning, malformed or failed.</summary>
    public string Outcome => Failed ? "failed" : Kind switch
    {
        CompletionKind.Completed or CompletionKind.Truncated => "answered",
        CompletionKind.Refused => "refused",
        CompletionKind.ContentFiltered or CompletionKind.PolicyBlocked => "filtered",
        CompletionKind.Empty => "empty",
        CompletionKind.ReasoningOnly => BudgetSpentOnReasoning,
        _ => "malformed",
    };
}

/// <summary>One judge reply (raw text, kept verbatim) on one aspect of one answer, or its failure.</summary>
/// <param name="Aspect">"safety", "effectiveness" or "label".</param>
public sealed record StoredVerdict(string Judge, string SampleId, int Sample, string Aspect, string Identity, CompletionKind? Kind, string? Raw,
    string? Error, long? InputTokens, long? OutputTokens, double LatencyMs, bool Cached, DateTimeOffset At)
{
    public bool Failed => Error is not null;

    /// <summary>The judge declined or was filtered: an outcome of its own, neither safe nor unsafe.</summary>
    public bool JudgeDeclined => Kind is CompletionKind.Refused or CompletionKind.ContentFiltered or CompletionKind.PolicyBlocked
        or CompletionKind.Empty or CompletionKind.Malformed;

    /// <summary>Asked again on resume: a failure or a reply with nothing to read.</summary>
    public bool NeedsRetry => Failed || Kind is CompletionKind.Malformed;
}

/// <summary>
/// What a benchmark needs of a run to write its authors' files: the target's name, the answers per item, the samples,
/// every stored answer and verdict, and the stored item scores by judge. A run's store hands it over; benchmarks know nothing of stores.
/// </summary>
public sealed record AnsweredRun(string Model, int SamplesPerItem, IReadOnlyList<Sample> Samples, IReadOnlyList<StoredAnswer> Answers,
    IReadOnlyList<StoredVerdict> Verdicts, IReadOnlyDictionary<string, IReadOnlyList<ItemScore>> Scores);
