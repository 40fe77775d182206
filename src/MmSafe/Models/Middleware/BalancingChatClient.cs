using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>
/// One model served by several replicas (N vLLM or SGLang servers): each request goes to the replica with the fewest
/// requests outstanding, skipping one that asked to wait (429/503 with Retry-After) until its time is up. A failed
/// attempt is retried by the retry wrapper above, so it lands on another replica. The request's identity is the
/// model's, not the replica's: answers are the same whichever server gave them.
/// </summary>
public sealed class BalancingChatClient(IReadOnlyList<IChatClient> replicas, TimeProvider? clock = null) : IChatClient
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly int[] _outstanding = new int[replicas.Count];
    private readonly long[] _coolUntil = new long[replicas.Count];

    /// <summary>Requests each replica has served, for tests and summaries.</summary>
    public IReadOnlyList<int> Served => _served;

    private readonly int[] _served = new int[replicas.Count];

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        for (int attempt = 0; ; attempt++)
        {
            int index = await PickAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await replicas[index].GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelRequestException e) when (e.RetryAfter is { } wait)
            {
                // This replica asked to wait: it rests, and the request goes at once to another that is free.
                Interlocked.Exchange(ref _coolUntil[index], _clock.GetTimestamp() + (long)(wait.TotalSeconds * _clock.TimestampFrequency));
                if (attempt + 1 >= replicas.Count || !AnyFree()) throw;
            }
            finally
            {
                Interlocked.Decrement(ref _outstanding[index]);
            }
        }
    }

    private bool AnyFree()
    {
        long now = _clock.GetTimestamp();
        return _coolUntil.Any(t => Interlocked.Read(ref t) <= now);
    }

    private async Task<int> PickAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            long now = _clock.GetTimestamp();
            int best = -1;
            lock (_outstanding)
            {
                for (int i = 0; i < replicas.Count; i++)
                    if (Interlocked.Read(ref _coolUntil[i]) <= now && (best < 0 || _outstanding[i] < _outstanding[best])) best = i;
                if (best >= 0)
                {
                    _outstanding[best]++;
                    _served[best]++;
                    return best;
                }
            }
            // Every replica asked to wait: wait for the first to be free again.
            long soonest = _coolUntil.Min();
            var delay = TimeSpan.FromSeconds(Math.Max(0.001, (soonest - now) / (double)_clock.TimestampFrequency));
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : replicas[0].GetService(serviceType, serviceKey);

    public void Dispose()
    {
        foreach (var replica in replicas) replica.Dispose();
    }
}
