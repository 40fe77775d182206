using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>
/// At most N requests in flight to one endpoint; the rest wait their turn. A request may carry a check
/// (<see cref="MayStartKey"/>) made when its turn comes: a request that waited while the budget ran out or Ctrl+C
/// came is then not sent at all (<see cref="RequestNotStartedException"/>). A request may also carry a callback
/// (<see cref="StoppingKey"/>) told of an error that stops the run before its slot is given to the next request, so that
/// no request waiting for a slot starts after a refused parameter or a rejected key has been seen.
/// </summary>
public sealed class ConcurrencyLimitingChatClient(IChatClient inner, SemaphoreSlim slots) : DelegatingChatClient(inner)
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of a <c>Func&lt;bool&gt;</c>: may this request still start?</summary>
    public const string MayStartKey = "mmsafe.may_start";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of an <c>Action&lt;ModelRequestException&gt;</c> called with an error that stops the run.</summary>
    public const string StoppingKey = "mmsafe.stopping";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Action<ModelRequestException>? stopping = null;
            if (options?.AdditionalProperties is { } properties && (properties.ContainsKey(MayStartKey) || properties.ContainsKey(StoppingKey)))
            {
                if (properties.TryGetValue(MayStartKey, out var check) && check is Func<bool> mayStart && !mayStart()) throw new RequestNotStartedException();
                stopping = properties.TryGetValue(StoppingKey, out var s) ? s as Action<ModelRequestException> : null;
                options = options.Clone(); // the check and the callback are ours, not request fields
                options.AdditionalProperties!.Remove(MayStartKey);
                options.AdditionalProperties.Remove(StoppingKey);
            }
            try
            {
                return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelRequestException e) when (e.StopsTheRun && stopping is not null)
            {
                stopping(e);
                throw;
            }
        }
        finally
        {
            slots.Release();
        }
    }
}

/// <summary>A request that was waiting for a slot and was not sent: the run is stopping (budget spent, or Ctrl+C).</summary>
public sealed class RequestNotStartedException() : OperationCanceledException("the run is stopping; this request was not sent");
