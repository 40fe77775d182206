using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>Whether to send <c>response_format</c> (json_schema) to an endpoint.</summary>
public enum StructuredOutputMode
{
    /// <summary>Send it; if the endpoint rejects it with 400, stop sending it and rely on the prompt.</summary>
    Auto,
    On,
    Off,
}

/// <summary>Structured output where the endpoint supports it, the prompt alone where it does not.</summary>
public sealed class StructuredOutputFallbackChatClient(IChatClient inner, StructuredOutputMode mode) : DelegatingChatClient(inner)
{
    private volatile bool _unsupported = mode == StructuredOutputMode.Off;

    /// <summary>True once the endpoint has rejected a response format (or the mode is Off).</summary>
    public bool Unsupported => _unsupported;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (options?.ResponseFormat is not ChatResponseFormatJson) return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (_unsupported) return await base.GetResponseAsync(messages, WithoutFormat(options), cancellationToken).ConfigureAwait(false);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        try
        {
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelRequestException e) when (mode == StructuredOutputMode.Auto && e.Kind == ModelErrorKind.BadRequest)
        {
            _unsupported = true;
            return await base.GetResponseAsync(list, WithoutFormat(options), cancellationToken).ConfigureAwait(false);
        }
    }

    private static ChatOptions WithoutFormat(ChatOptions options)
    {
        var copy = options.Clone();
        copy.ResponseFormat = null;
        return copy;
    }
}
