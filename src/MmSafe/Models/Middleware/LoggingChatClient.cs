using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace MmSafe.Models.Middleware;

/// <summary>
/// Logs each call's model, latency, tokens and outcome. It never logs headers or message
/// contents, and every logged string passes through <see cref="Secrets.Redact"/> with the key.
/// </summary>
public sealed partial class LoggingChatClient(IChatClient inner, ILogger logger, string model, string? apiKey) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            Completed(logger, model, Stopwatch.GetElapsedTime(start).TotalMilliseconds, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount,
                response.FinishReason?.Value ?? "-");
            return response;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(logger, model, Stopwatch.GetElapsedTime(start).TotalMilliseconds, Secrets.Redact(e.Message, apiKey));
            throw;
        }
    }

    /// <summary>For retry notices from the wrapper below this one.</summary>
    public static void Retrying(ILogger logger, string model, string detail, string? apiKey) => Retry(logger, model, Secrets.Redact(detail, apiKey));

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Model}: completed in {Milliseconds:F0} ms, tokens in/out {InputTokens}/{OutputTokens}, finish {FinishReason}")]
    private static partial void Completed(ILogger logger, string model, double milliseconds, long? inputTokens, long? outputTokens, string finishReason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model}: failed after {Milliseconds:F0} ms: {Error}")]
    private static partial void Failed(ILogger logger, string model, double milliseconds, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: {Detail}")]
    private static partial void Retry(ILogger logger, string model, string detail);
}
