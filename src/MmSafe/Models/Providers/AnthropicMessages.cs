using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Providers;

/// <summary>
/// Anthropic's Messages API on the wire, written by hand for the single-request client and the Message Batches alike, so
/// both send the same body with the same API version. Everything the run spec records is sent: <c>temperature</c> and
/// <c>top_p</c> when set (the SDK's chat client left them out, so a judge recorded at temperature 0 ran at Anthropic's
/// default 1.0). Anthropic has no seed and no <c>n</c>; structured output is not sent (the run spec records it off).
/// </summary>
public static class AnthropicMessages
{
    /// <summary>The one API version the tool speaks, on every Anthropic request.</summary>
    public const string Version = "2023-06-01";

    /// <summary>The max_tokens Anthropic requires when the protocol sets none.</summary>
    public const int DefaultMaxTokens = 1024;

    /// <summary>
    /// Writes the request's fields (<c>model</c>, <c>max_tokens</c>, <c>thinking</c>, <c>temperature</c>, <c>top_p</c>,
    /// <c>system</c>, <c>messages</c>, then the model's extra body fields) into an open object. A reasoning allowance
    /// (<see cref="ReasoningKeys.Allowance"/>) is sent as <c>thinking: {type: enabled, budget_tokens: allowance}</c>; the
    /// options' token limit already includes it (when the protocol sets none, the default answer limit plus the allowance).
    /// </summary>
    public static void WriteFields(Utf8JsonWriter w, string model, IEnumerable<ChatMessage> messages, ChatOptions? options, int defaultMaxTokens = DefaultMaxTokens,
        string? extraBody = null)
    {
        var allowance = ReasoningKeys.AllowanceOf(options);
        w.WriteString("model", model);
        w.WriteNumber("max_tokens", options?.MaxOutputTokens ?? defaultMaxTokens + (allowance ?? 0));
        if (allowance is { } budget)
        {
            w.WriteStartObject("thinking");
            w.WriteString("type", "enabled");
            w.WriteNumber("budget_tokens", budget);
            w.WriteEndObject();
        }
        if (options?.Temperature is { } t) w.WriteNumber("temperature", (double)(decimal)t);
        if (options?.TopP is { } p) w.WriteNumber("top_p", (double)(decimal)p);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var system = string.Join("\n", list.Where(m => m.Role == ChatRole.System).Select(m => m.Text));
        if (system.Length > 0) w.WriteString("system", system);
        w.WriteStartArray("messages");
        foreach (var message in list.Where(m => m.Role != ChatRole.System))
        {
            w.WriteStartObject();
            w.WriteString("role", message.Role == ChatRole.Assistant ? "assistant" : "user");
            w.WriteStartArray("content");
            foreach (var content in message.Contents) WriteContent(w, content);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Providers.ExtraBody.Write(w, extraBody);
    }

    private static void WriteContent(Utf8JsonWriter w, AIContent content)
    {
        w.WriteStartObject();
        if (content is DataContent data && data.HasTopLevelMediaType("image"))
        {
            w.WriteString("type", "image");
            w.WriteStartObject("source");
            w.WriteString("type", "base64");
            w.WriteString("media_type", data.MediaType);
            w.WriteBase64String("data", data.Data.Span);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("type", "text");
            w.WriteString("text", content is TextContent text ? text.Text : "");
        }
        w.WriteEndObject();
    }

    /// <summary>Where a single request goes: <c>{base}/v1/messages</c>.</summary>
    public static string Url(ModelEndpoint endpoint) => endpoint.BaseUrl.ToString().TrimEnd('/') + "/v1/messages";

    /// <summary>A whole request body for <c>POST /v1/messages</c>.</summary>
    public static byte[] Body(string model, IEnumerable<ChatMessage> messages, ChatOptions? options, int defaultMaxTokens = DefaultMaxTokens, string? extraBody = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteFields(w, model, messages, options, defaultMaxTokens, extraBody);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// A message object (<c>content</c>, <c>stop_reason</c>, <c>usage</c>) as a chat response; a refusal stop is a content filter.
    /// <c>thinking</c> blocks are <see cref="TextReasoningContent"/>, a <c>redacted_thinking</c> block one with no text (its
    /// encrypted data as <see cref="TextReasoningContent.ProtectedData"/>), so the message's text is the visible answer alone.
    /// Anthropic reports no separate count of thinking tokens: they are in <c>output_tokens</c>.
    /// </summary>
    public static ChatResponse Read(JsonElement message)
    {
        var blocks = message.GetProperty("content").EnumerateArray().ToList();
        string? Field(JsonElement block, string name) => block.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var text = string.Concat(blocks.Where(c => Field(c, "type") == "text").Select(c => c.GetProperty("text").GetString()));
        var contents = new List<AIContent>();
        foreach (var block in blocks)
        {
            if (Field(block, "type") == "thinking" && Field(block, "thinking") is { } thinking) contents.Add(new TextReasoningContent(thinking));
            else if (Field(block, "type") == "redacted_thinking") contents.Add(new TextReasoningContent("") { ProtectedData = Field(block, "data") ?? "" });
        }
        contents.Add(new TextContent(text));
        var stop = message.TryGetProperty("stop_reason", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var reason = stop switch { "max_tokens" => "length", "refusal" => "content_filter", null => null, _ => "stop" };
        long? Tokens(string name) => message.TryGetProperty("usage", out var u) && u.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : null;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { AdditionalProperties = new() { [Completion.FinishReasonKey] = reason } })
        {
            Usage = new UsageDetails { InputTokenCount = Tokens("input_tokens"), OutputTokenCount = Tokens("output_tokens") },
            ModelId = message.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
        };
    }
}
