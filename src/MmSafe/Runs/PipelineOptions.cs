namespace MmSafe.Runs;

/// <summary>What a pipeline session does: generate missing answers (or only judge), and whether to ask declined judges again.</summary>
/// <param name="GracePeriod">After cancellation, how long requests already sent may still finish and be stored (no new ones start).</param>
/// <param name="BatchPoll">How often to ask a batch API whether a submitted batch has ended.</param>
public sealed record PipelineOptions(bool Generate = true, bool RetryDeclined = false, TimeSpan? GracePeriod = null, TimeSpan? BatchPoll = null)
{
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan DefaultBatchPoll = TimeSpan.FromSeconds(30);
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

    public const string BatchSubmitted = "batch-submitted", BatchEnded = "batch-ended", BatchLost = "batch-lost";
}
