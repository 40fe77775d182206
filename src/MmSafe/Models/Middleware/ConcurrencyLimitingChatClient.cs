using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>
/// At most N requests in flight to one endpoint; the rest wait their turn. A request may carry a check
/// (<see cref="MayStartKey"/>) made when its turn comes: a request that waited while the budget ran out or Ctrl+C
/// came is then not sent at all (<see cref="RequestNotStartedException"/>).
/// </summary>
public sealed class ConcurrencyLimitingChatClient(IChatClient inner, SemaphoreSlim slots) : DelegatingChatClient(inner)
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of a <c>Func&lt;bool&gt;</c>: may this request still start?</summary>
    public const string MayStartKey = "mmsafe.may_start";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (options?.AdditionalProperties?.TryGetValue(MayStartKey, out var check) == true)
            {
                if (check is Func<bool> mayStart && !mayStart()) throw new RequestNotStartedException();
                options = options.Clone(); // the check is ours, not a request field
                options.AdditionalProperties!.Remove(MayStartKey);
            }
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }
}

/// <summary>A request that was waiting for a slot and was not sent: the run is stopping (budget spent, or Ctrl+C).</summary>
public sealed class RequestNotStartedException() : OperationCanceledException("the run is stopping; this request was not sent");
