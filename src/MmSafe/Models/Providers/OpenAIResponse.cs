using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Providers;

/// <summary>Reads a chat-completions response body (from a request, or a line of a batch's output file).</summary>
internal static class OpenAIResponse
{
    /// <summary>One assistant message per choice, with <c>finish_reason</c> and <c>refusal</c> in its additional properties.</summary>
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
            var chat = new ChatMessage(ChatRole.Assistant, hasContent ? c.GetString()! : "") { AdditionalProperties = new() { [Completion.FinishReasonKey] = reason } };
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
                }
                : null,
        };
    }
}
