namespace MmSafe.Models.Middleware;

/// <summary>Token and latency totals for one model, safe to update from many requests at once.</summary>
public sealed class UsageLedger(string model)
{
    private long _requests, _failures, _inputTokens, _outputTokens, _latencyTicks;

    public string Model { get; } = model;

    public void Record(TimeSpan latency, long? inputTokens, long? outputTokens, bool failed)
    {
        Interlocked.Increment(ref _requests);
        if (failed) Interlocked.Increment(ref _failures);
        Interlocked.Add(ref _inputTokens, inputTokens ?? 0);
        Interlocked.Add(ref _outputTokens, outputTokens ?? 0);
        Interlocked.Add(ref _latencyTicks, latency.Ticks);
    }

    public UsageSnapshot Snapshot()
    {
        long requests = Interlocked.Read(ref _requests);
        return new UsageSnapshot(Model, requests, Interlocked.Read(ref _failures), Interlocked.Read(ref _inputTokens),
            Interlocked.Read(ref _outputTokens),
            requests == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks) / requests));
    }
}

/// <summary>A point-in-time copy of a <see cref="UsageLedger"/>.</summary>
public sealed record UsageSnapshot(string Model, long Requests, long Failures, long InputTokens, long OutputTokens,
    TimeSpan MeanLatency);
