using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>Whether to send <c>response_format</c> (json_schema) to an endpoint.</summary>
public enum StructuredOutputMode
{
    /// <summary>Send it; if the endpoint rejects <c>response_format</c> itself with 400, stop sending it and rely on the prompt.</summary>
    Auto,
    On,
    Off,
}

/// <summary>
/// Structured output where the endpoint supports it, the prompt alone where it does not. Only a 400 whose message is
/// about <c>response_format</c> / <c>json_schema</c> switches it off; any other 400 is the caller's error, as it was.
/// The switch is kept with its <see cref="Reason"/>; every run that then judges without the format records it.
/// </summary>
public sealed class StructuredOutputFallbackChatClient(IChatClient inner, StructuredOutputMode mode) : DelegatingChatClient(inner)
{
    private volatile bool _unsupported = mode == StructuredOutputMode.Off;

    /// <summary>True once the endpoint has rejected a response format (or the mode is Off).</summary>
    public bool Unsupported => _unsupported;

    /// <summary>The server's message that switched structured output off; null while it is on.</summary>
    public string? Reason { get; private set; }

    /// <summary>Starts without structured output, as a resumed run whose endpoint already rejected it.</summary>
    public void RestoreFallback()
    {
        Reason ??= "rejected in an earlier session";
        _unsupported = true;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (options?.ResponseFormat is not ChatResponseFormatJson) return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (_unsupported) return await base.GetResponseAsync(messages, WithoutFormat(options), cancellationToken).ConfigureAwait(false);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        try
        {
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelRequestException e) when (mode == StructuredOutputMode.Auto && IsResponseFormatRefusal(e))
        {
            Reason ??= e.Message;
            _unsupported = true;
            return await base.GetResponseAsync(list, WithoutFormat(options), cancellationToken).ConfigureAwait(false);
        }
    }

    // A refusal that names response_format is one; a plain 400 is one when its words are about the format.
    private static bool IsResponseFormatRefusal(ModelRequestException e) =>
        e.Kind == ModelErrorKind.RefusedParameter ? e.Parameter == "response_format" : e.Kind == ModelErrorKind.BadRequest && IsAboutResponseFormat(e.Message);

    /// <summary>Whether a 400's message names the response format (the words servers use when they lack it).</summary>
    public static bool IsAboutResponseFormat(string message) =>
        new[] { "response_format", "json_schema", "responseformat", "structured output", "guided_json", "json schema" }
            .Any(word => message.Contains(word, StringComparison.OrdinalIgnoreCase));

    private static ChatOptions WithoutFormat(ChatOptions options)
    {
        var copy = options.Clone();
        copy.ResponseFormat = null;
        return copy;
    }
}
