using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>
/// Records tokens and latency of every call (successful or not) in a <see cref="UsageLedger"/>. It sits inside the
/// concurrency limit, so the latency is the request's own, not its wait for a slot; it is also attached to the
/// response (<see cref="LatencyKey"/>) for the store.
/// </summary>
public sealed class AccountingChatClient(IChatClient inner, UsageLedger ledger) : DelegatingChatClient(inner)
{
    public const string LatencyKey = "mmsafe.latency";

    public UsageLedger Ledger => ledger;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            var latency = Stopwatch.GetElapsedTime(start);
            ledger.Record(latency, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, failed: false);
            (response.AdditionalProperties ??= [])[LatencyKey] = latency;
            return response;
        }
        catch
        {
            ledger.Record(Stopwatch.GetElapsedTime(start), null, null, failed: true);
            throw;
        }
    }
}
