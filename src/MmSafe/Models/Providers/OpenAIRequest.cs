using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Providers;

/// <summary>Writes a chat-completions request body from Microsoft.Extensions.AI messages and options.</summary>
internal static class OpenAIRequest
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key for the number of choices (the API's <c>n</c>).</summary>
    public const string ChoicesKey = "n";

    public static ChatRequestContent Build(IEnumerable<ChatMessage> messages, ChatOptions? options, ModelEndpoint endpoint)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var holes = new List<ChatRequestContent.ImageHole>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", endpoint.Model);
            w.WriteStartArray("messages");
            foreach (var message in messages) WriteMessage(w, buffer, message, endpoint.ImageDetail, holes);
            w.WriteEndArray();
            if (options is not null) WriteOptions(w, options, endpoint);
            if (ReasoningKeys.EffortOf(options) is { } effort) w.WriteString("reasoning_effort", effort);
            ExtraBody.Write(w, endpoint.ExtraBody);
            w.WriteEndObject();
        }
        return new ChatRequestContent(buffer.WrittenSpan.ToArray(), holes);
    }

    private static void WriteMessage(Utf8JsonWriter w, ArrayBufferWriter<byte> buffer, ChatMessage message, string? imageDetail, List<ChatRequestContent.ImageHole> holes)
    {
        w.WriteStartObject();
        w.WriteString("role", message.Role == ChatRole.System ? "system" : message.Role == ChatRole.Assistant ? "assistant" : "user");
        if (message.Role != ChatRole.User || message.Contents.All(c => c is TextContent))
        {
            w.WriteString("content", message.Text);
            w.WriteEndObject();
            return;
        }
        w.WriteStartArray("content");
        foreach (var content in message.Contents)
        {
            if (content is TextContent text)
            {
                w.WriteStartObject();
                w.WriteString("type", "text");
                w.WriteString("text", text.Text);
                w.WriteEndObject();
            }
            else if (content is DataContent data && data.HasTopLevelMediaType("image"))
            {
                w.WriteStartObject();
                w.WriteString("type", "image_url");
                w.WriteStartObject("image_url");
                w.WritePropertyName("url");
                w.WriteRawValue("\"\""u8, skipInputValidation: true);
                w.Flush();
                // The hole sits between the two quotes just written.
                holes.Add(new ChatRequestContent.ImageHole(buffer.WrittenCount - 1, data.MediaType, data.Data));
                var detail = data.AdditionalProperties?.TryGetValue("detail", out var d) == true ? d as string : imageDetail;
                if (detail is not null) w.WriteString("detail", detail);
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter w, ChatOptions options, ModelEndpoint endpoint)
    {
        if (options.Temperature is { } temperature) w.WriteNumber("temperature", temperature);
        if (options.TopP is { } topP) w.WriteNumber("top_p", topP);
        if (options.MaxOutputTokens is { } max) w.WriteNumber(endpoint.MaxTokensField, max);
        if (options.Seed is { } seed) w.WriteNumber("seed", seed);
        if (options.AdditionalProperties?.TryGetValue(ChoicesKey, out var n) == true && Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture) is > 1 and var choices)
            w.WriteNumber("n", choices);
        if (options.StopSequences is { Count: > 0 } stops)
        {
            w.WriteStartArray("stop");
            foreach (var stop in stops) w.WriteStringValue(stop);
            w.WriteEndArray();
        }
        if (options.ResponseFormat is ChatResponseFormatJson json)
        {
            w.WriteStartObject("response_format");
            if (json.Schema is { } schema)
            {
                w.WriteString("type", "json_schema");
                w.WriteStartObject("json_schema");
                w.WriteString("name", json.SchemaName ?? "response");
                if (json.SchemaDescription is { } description) w.WriteString("description", description);
                w.WriteBoolean("strict", true);
                w.WritePropertyName("schema");
                schema.WriteTo(w);
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("type", "json_object");
            }
            w.WriteEndObject();
        }
    }
}
