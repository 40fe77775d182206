using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>
/// One endpoint's circuit breaker, innermost beside its limits so that every attempt counts. After a run of consecutive
/// connection failures or timeouts with no answer for a while (<see cref="RetryOptions.GiveUpAfter"/>) (the endpoint went away, or never answers),
/// it opens for good: every request to the endpoint, and every one still to come, fails at once with
/// <see cref="ModelErrorKind.Unreachable"/>, which stops the run (what is done is stored; <c>--resume</c> asks for the
/// rest). Without it, a gone endpoint held a full run for about 20 minutes of retries before it exited.
/// </summary>
public sealed class CircuitBreakingChatClient(IChatClient inner, EndpointBreaker breaker) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        breaker.ThrowIfOpen();
        long start = breaker.Clock.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            breaker.Succeeded();
            return response;
        }
        catch (ModelRequestException e) when (e.IsTransient && e.Status is null)
        {
            breaker.Failed(e.Message);
            throw;
        }
        catch (ModelRequestException e) when (e.Status is not null)
        {
            breaker.Succeeded(); // it answered, even if with an error: it is there
            throw;
        }
        catch (OperationCanceledException) when (breaker.Clock.GetElapsedTime(start) >= breaker.RequestTimeout * 0.9)
        {
            breaker.Failed($"no response within {breaker.RequestTimeout.TotalSeconds:F0} s");
            throw;
        }
    }
}

/// <summary>The state of one endpoint's breaker, shared by every client (target, judge, captioner) that uses the endpoint.</summary>
/// <param name="streak">Consecutive failures that open the breaker (fewer when fewer requests are in flight at once).</param>
/// <param name="requestTimeout">The per-attempt timeout above it: a cancellation that long after the start is a timeout.</param>
/// <param name="quiet">How long the endpoint must have given no answer before the breaker may open.</param>
public sealed class EndpointBreaker(string endpoint, int streak, TimeSpan requestTimeout, TimeSpan quiet, TimeProvider? clock = null)
{
    private readonly object _gate = new();
    private int _failures;
    private long _lastAnswer = (clock ?? TimeProvider.System).GetTimestamp();
    private string? _open;

    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    public TimeSpan RequestTimeout => requestTimeout;

    public bool IsOpen => Volatile.Read(ref _open) is not null;

    public void ThrowIfOpen()
    {
        if (Volatile.Read(ref _open) is { } why) throw new ModelRequestException(ModelErrorKind.Unreachable, why);
    }

    public void Succeeded()
    {
        lock (_gate)
        {
            _failures = 0;
            _lastAnswer = Clock.GetTimestamp();
        }
    }

    public void Failed(string last)
    {
        lock (_gate)
        {
            var silent = Clock.GetElapsedTime(_lastAnswer);
            if (++_failures < Math.Max(1, streak) || silent < quiet || _open is not null) return;
            if (last.StartsWith(endpoint + ": ", StringComparison.Ordinal)) last = last[(endpoint.Length + 2)..];
            Volatile.Write(ref _open, $"{endpoint}: no answer for {silent.TotalSeconds:F0} s ({_failures} connection failures or timeouts in a row; the last: {last}); " +
                "stopped sending requests to it");
        }
    }
}
