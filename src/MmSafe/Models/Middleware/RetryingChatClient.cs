using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MmSafe.Models.Middleware;

/// <summary>
/// Retries transient failures (408, 409, 429, 5xx, dropped connections, timeouts, malformed
/// bodies) with exponential backoff and jitter, honouring the server's Retry-After and
/// retry-after-ms, within bounded attempts; each attempt has its own timeout. Anything else
/// (400, 401, 403, 404) fails at once.
/// </summary>
public sealed class RetryingChatClient : DelegatingChatClient
{
    private readonly ResiliencePipeline _pipeline;
    private readonly RetryOptions _options;

    public RetryingChatClient(IChatClient inner, RetryOptions options, Action<string>? onRetry = null) : base(inner)
    {
        _options = options;
        var builder = new ResiliencePipelineBuilder();
        // Polly's retry needs at least one attempt more; max_retries: 0 means one attempt with its timeout alone.
        if (options.MaxRetries > 0) builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<ModelRequestException>(e => e.IsTransient && !(e.RetryAfter > options.MaxRetryAfter))
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is ModelRequestException { RetryAfter: { } retryAfter } ? (TimeSpan?)retryAfter : null),
                OnRetry = args =>
                {
                    onRetry?.Invoke($"attempt {args.AttemptNumber + 1} failed ({args.Outcome.Exception?.Message}); retrying in {args.RetryDelay.TotalSeconds:F1} s");
                    return ValueTask.CompletedTask;
                },
            });
        _pipeline = builder.AddTimeout(options.RequestTimeout).Build();
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        try
        {
            return await _pipeline.ExecuteAsync(
                async token => await base.GetResponseAsync(list, options, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new ModelRequestException(ModelErrorKind.Transient,
                $"no response within {_options.RequestTimeout.TotalSeconds:F0} s after {_options.MaxRetries + 1} attempts; raise the timeout or check the server", inner: e);
        }
        catch (ModelRequestException e) when (e.RetryAfter > _options.MaxRetryAfter)
        {
            throw new ModelRequestException(e.Kind,
                $"{e.Message} The server asked to wait {e.RetryAfter!.Value.TotalSeconds:F0} s, longer than the {_options.MaxRetryAfter.TotalSeconds:F0} s allowed; try later or lower the request rate.",
                e.Status, e.RetryAfter, e);
        }
    }
}
