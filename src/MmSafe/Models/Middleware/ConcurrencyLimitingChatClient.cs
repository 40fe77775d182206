using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>At most N requests in flight to one endpoint; the rest wait their turn.</summary>
public sealed class ConcurrencyLimitingChatClient(IChatClient inner, SemaphoreSlim slots) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }
}
