namespace MmSafe.Runs.Pipeline;

/// <summary>What a pipeline session does: generate missing answers (or only judge), and whether to ask declined judges again.</summary>
/// <param name="GracePeriod">After cancellation, how long requests already sent may still finish and be stored (no new ones start).</param>
/// <param name="BatchPoll">How often to ask a batch API whether a submitted batch has ended.</param>
public sealed record PipelineOptions(bool Generate = true, bool RetryDeclined = false, TimeSpan? GracePeriod = null, TimeSpan? BatchPoll = null)
{
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan DefaultBatchPoll = TimeSpan.FromSeconds(30);
}
