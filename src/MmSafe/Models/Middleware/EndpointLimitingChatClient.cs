using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>
/// One endpoint's own limits, innermost, so that every attempt counts: its requests-per-minute bucket (each replica of
/// a model has its own), and a pause when it answers 429 or 503 with Retry-After: until then no attempt is sent to it,
/// not only the one that was told to wait, so N requests in flight do not each collect their own 429.
/// </summary>
public sealed class EndpointLimitingChatClient(IChatClient inner, RateLimiter? perMinute, TimeProvider? clock = null) : DelegatingChatClient(inner)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>A token bucket that refills evenly, allowing a burst of one second's worth.</summary>
    public static RateLimiter PerMinute(int requestsPerMinute) => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, requestsPerMinute / 60),
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / requestsPerMinute),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });
    private long _pausedUntil;

    /// <summary>When the endpoint may be asked again (a timestamp of the clock); in the past when it is not paused.</summary>
    public long PausedUntil => Interlocked.Read(ref _pausedUntil);

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        for (long now = _clock.GetTimestamp(); PausedUntil > now; now = _clock.GetTimestamp())
            await Task.Delay(_clock.GetElapsedTime(now, PausedUntil), _clock, cancellationToken).ConfigureAwait(false);
        using var lease = perMinute is null ? null : await perMinute.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelRequestException e) when (e.RetryAfter is { } wait)
        {
            long until = _clock.GetTimestamp() + (long)(wait.TotalSeconds * _clock.TimestampFrequency);
            for (long seen = PausedUntil; until > seen && Interlocked.CompareExchange(ref _pausedUntil, until, seen) != seen; seen = PausedUntil)
            {
            }
            throw;
        }
    }
}
