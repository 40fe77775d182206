using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>Spaces requests to a requests-per-minute budget (each retry attempt counts).</summary>
public sealed class RateLimitingChatClient(IChatClient inner, RateLimiter limiter) : DelegatingChatClient(inner)
{
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

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }
}
