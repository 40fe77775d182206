using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>Records tokens and latency of every call (successful or not) in a <see cref="UsageLedger"/>.</summary>
public sealed class AccountingChatClient(IChatClient inner, UsageLedger ledger) : DelegatingChatClient(inner)
{
    public UsageLedger Ledger => ledger;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            ledger.Record(Stopwatch.GetElapsedTime(start), response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, failed: false);
            return response;
        }
        catch
        {
            ledger.Record(Stopwatch.GetElapsedTime(start), null, null, failed: true);
            throw;
        }
    }
}
