using MmSafe.Benchmarks;
using MmSafe.Scoring;

namespace MmSafe.Runs;

/// <summary>
/// A batch submitted to a provider's batch API, recorded as soon as it is accepted so that a killed run resumes it
/// instead of paying for it again: its id, whose requests it holds ("target" or a judge), and whether its results are stored.
/// </summary>
public sealed record StoredBatch(string Id, string Model, string Role, string Status, IReadOnlyList<BatchEntry> Entries, DateTimeOffset At)
{
    public const string Submitted = "submitted", Collected = "collected";

    /// <summary>A submission on its way (its id is "submission:GUID"): if the run dies before the batch's id is recorded,
    /// the next session looks for the batch by that GUID. Once settled it is "recorded" (the batch's own record holds
    /// the requests), or "lost" (no batch was found, so its requests are sent again).</summary>
    public const string Submitting = "submitting", Recorded = "recorded", Lost = "lost";
}

/// <summary>One request of a batch: its custom id there, and the answer or verdict it is for.</summary>
/// <param name="Aspect">The judged aspect, or null for a target answer.</param>
public sealed record BatchEntry(string CustomId, string SampleId, int Sample, string? Aspect, string Identity);

/// <summary>Something that happened to a run and changed how it ran, e.g. structured output switched off after a 400.</summary>
public sealed record RunEvent(DateTimeOffset At, string Kind, string Model, string Detail);

/// <summary>Everything a run's store holds: what score, report, compare and export read, and all they read.</summary>
public sealed record RunContents(string Directory, RunSpec Spec, IReadOnlyList<Sample> Samples, IReadOnlyList<StoredAnswer> Answers,
    IReadOnlyList<StoredVerdict> Verdicts, IReadOnlyDictionary<string, IReadOnlyList<ItemScore>> Scores, IReadOnlyList<RunEvent> Events,
    IReadOnlyList<StoredBatch>? Batches = null)
{
    public IBenchmark Benchmark => BenchmarkRegistry.Get(Spec.Benchmark);

    /// <summary>What the benchmark's authors' formats are written from.</summary>
    public AnsweredRun Answered => new(Spec.Target.Name, Spec.Samples, Samples, Answers, Verdicts, Scores);
}

/// <summary>The kinds of <see cref="RunEvent"/> a pipeline records.</summary>
public static class RunEvents
{
    public const string StructuredOutputOff = "structured-output-off";

    public const string BudgetReached = "budget-reached";

    /// <summary>An answer longer than <see cref="AnswerCap.StoredChars"/> was cut before it was stored and judged.</summary>
    public const string AnswerCut = "answer-cut";

    /// <summary>A session stopped because an endpoint refused a parameter (the detail is the message with its fix); a resume would be refused alike.</summary>
    public const string ParameterRefused = "parameter-refused";

    /// <summary>The run's settings were replaced before it stored any result (a command with other flags on an empty run directory).</summary>
    public const string SettingsChanged = "settings-changed";

    /// <summary>A judge certificate (<c>mmsafe judge certify</c>); the detail is its JSON.</summary>
    public const string Certificate = "certificate";

    public const string BatchSubmitted = "batch-submitted", BatchEnded = "batch-ended", BatchLost = "batch-lost";
}
