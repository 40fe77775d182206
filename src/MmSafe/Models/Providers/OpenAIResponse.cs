using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Providers;

/// <summary>Reads a chat-completions response body (from a request, or a line of a batch's output file).</summary>
internal static class OpenAIResponse
{
    private const string ThinkOpen = "<think>", ThinkClose = "</think>";

    /// <summary>
    /// One assistant message per choice, with <c>finish_reason</c> and <c>refusal</c> in its additional properties.
    /// Reasoning (vLLM's <c>reasoning_content</c> or <c>reasoning</c>, a leading <c>&lt;think&gt;</c> block) is
    /// <see cref="TextReasoningContent"/>, so the message's text is the visible answer alone.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The body has no <c>choices</c>.</exception>
    public static ChatResponse Read(JsonElement root, string model)
    {
        var messages = new List<ChatMessage>();
        string? firstReason = null;
        foreach (var choice in root.GetProperty("choices").EnumerateArray())
        {
            var message = choice.GetProperty("message");
            bool hasContent = message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String;
            var reason = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            var (reasoning, visible) = SplitThinking(hasContent ? c.GetString()! : "");
            var contents = new List<AIContent>();
            // Newer vLLM sends the same text under both names; it is kept once.
            foreach (var text in new[] { Text(message, "reasoning_content"), Text(message, "reasoning"), reasoning }.OfType<string>().Distinct())
                contents.Add(new TextReasoningContent(text));
            contents.Add(new TextContent(visible));
            var chat = new ChatMessage(ChatRole.Assistant, contents) { AdditionalProperties = new() { [Completion.FinishReasonKey] = reason } };
            if (!hasContent) chat.AdditionalProperties[Completion.ContentMissingKey] = true;
            if (message.TryGetProperty("refusal", out var r) && r.ValueKind == JsonValueKind.String) chat.AdditionalProperties[Completion.RefusalKey] = r.GetString();
            messages.Add(chat);
            firstReason ??= reason;
        }
        return new ChatResponse(messages)
        {
            ModelId = root.TryGetProperty("model", out var m) ? m.GetString() : model,
            FinishReason = firstReason is null ? null : new ChatFinishReason(firstReason),
            Usage = root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object
                ? new UsageDetails
                {
                    InputTokenCount = u.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt64(out var pi) ? pi : null,
                    OutputTokenCount = u.TryGetProperty("completion_tokens", out var o) && o.TryGetInt64(out var oi) ? oi : null,
                    ReasoningTokenCount = u.TryGetProperty("completion_tokens_details", out var d) && d.ValueKind == JsonValueKind.Object
                        && d.TryGetProperty("reasoning_tokens", out var rt) && rt.TryGetInt64(out var ri) ? ri : null,
                }
                : null,
        };
    }

    /// <summary>
    /// An open thinking model served without a reasoning parser leads its content with <c>&lt;think&gt;…&lt;/think&gt;</c>:
    /// that block is reasoning, the rest (trimmed at the start) the answer. With no closing tag the model ran out of tokens
    /// while thinking, so all of it is reasoning. A tag anywhere but at the start is part of the answer.
    /// </summary>
    private static (string? Reasoning, string Visible) SplitThinking(string content)
    {
        var start = content.AsSpan().TrimStart();
        if (!start.StartsWith(ThinkOpen, StringComparison.Ordinal)) return (null, content);
        var rest = start[ThinkOpen.Length..];
        int end = rest.IndexOf(ThinkClose, StringComparison.Ordinal);
        var reasoning = (end < 0 ? rest : rest[..end]).Trim().ToString();
        var visible = end < 0 ? "" : rest[(end + ThinkClose.Length)..].TrimStart().ToString();
        return (reasoning.Length == 0 ? null : reasoning, visible);
    }

    private static string? Text(JsonElement message, string name) =>
        message.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
