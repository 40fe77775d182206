namespace MmSafe.Models.Middleware;

/// <summary>Every bound of the retry policy, all configurable per model.</summary>
public sealed record RetryOptions
{
    /// <summary>Retries after the first attempt (so at most MaxRetries + 1 requests).</summary>
    /// <remarks>With the timeout below, a server that never answers holds a request for at most 4 × 60 s plus backoff.</remarks>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first backoff; it doubles per retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff between two attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A Retry-After longer than this fails the request instead of waiting.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Each attempt is cancelled after this long and counts as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>An endpoint that has given no answer for this long, through a run of connection failures or timeouts,
    /// is taken as gone: its circuit breaker opens and the run stops (what is done is stored).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(30);
}
