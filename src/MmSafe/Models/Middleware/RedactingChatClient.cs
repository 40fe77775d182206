using Microsoft.Extensions.AI;

namespace MmSafe.Models.Middleware;

/// <summary>
/// Removes the API key from what a model says (its answer, its reasoning) before anything stores or shows it: a model or proxy that echoes the
/// key back (in an answer, a refusal or a policy message) must not put it into the run store, the cache or a report.
/// </summary>
public sealed class RedactingChatClient(IChatClient inner, string? apiKey) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(apiKey) || apiKey.Length < 4) return response;
        foreach (var message in response.Messages)
        {
            foreach (var text in message.Contents.OfType<TextContent>())
                if (text.Text.Contains(apiKey, StringComparison.Ordinal)) text.Text = Secrets.Redact(text.Text, apiKey);
            // Reasoning is stored and shown too.
            foreach (var thought in message.Contents.OfType<TextReasoningContent>())
                if (thought.Text.Contains(apiKey, StringComparison.Ordinal)) thought.Text = Secrets.Redact(thought.Text, apiKey);
            if (message.AdditionalProperties is { } props)
                foreach (var key in props.Keys.ToList())
                    if (props[key] is string value && value.Contains(apiKey, StringComparison.Ordinal)) props[key] = Secrets.Redact(value, apiKey);
        }
        return response;
    }
}
