using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AI = Microsoft.Extensions.AI;
using OAI = OpenAI.Chat;

namespace MmSafe.Models.Providers;

// Seed and the JSON Patch (for max_tokens and n, which the SDK no longer exposes) are marked
// experimental by the SDK; both are plain request fields every compatible server understands.
#pragma warning disable OPENAI001, SCME0001

/// <summary>Translates Microsoft.Extensions.AI messages and options into the OpenAI SDK's.</summary>
internal static class OpenAIRequest
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key for the number of choices (the API's <c>n</c>).</summary>
    public const string ChoicesKey = "n";

    public static List<OAI.ChatMessage> Messages(IEnumerable<AI.ChatMessage> messages, string? imageDetail)
    {
        var converted = new List<OAI.ChatMessage>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System) converted.Add(new SystemChatMessage(message.Text));
            else if (message.Role == ChatRole.Assistant) converted.Add(new AssistantChatMessage(message.Text));
            else converted.Add(new UserChatMessage(message.Contents.Select(c => Part(c, imageDetail)).OfType<ChatMessageContentPart>()));
        }
        return converted;
    }

    private static ChatMessageContentPart? Part(AIContent content, string? imageDetail) => content switch
    {
        TextContent text => ChatMessageContentPart.CreateTextPart(text.Text),
        DataContent data when data.HasTopLevelMediaType("image") => ChatMessageContentPart.CreateImagePart(
            BinaryData.FromBytes(data.Data), data.MediaType,
            Detail(data.AdditionalProperties?.TryGetValue("detail", out var d) == true ? d as string : imageDetail)),
        _ => null,
    };

    // Explicitly nullable: a bare null would go through the struct's implicit string conversion and throw.
    private static ChatImageDetailLevel? Detail(string? detail)
    {
        if (detail is null) return default(ChatImageDetailLevel?);
        return new ChatImageDetailLevel(detail);
    }

    public static ChatCompletionOptions Options(ChatOptions? options, ModelEndpoint endpoint)
    {
        var result = new ChatCompletionOptions();
        if (options is null) return result;
        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        result.Seed = options.Seed;
        if (options.StopSequences is { Count: > 0 } stops) foreach (var stop in stops) result.StopSequences.Add(stop);
        if (options.MaxOutputTokens is { } max)
        {
            if (endpoint.MaxTokensField == "max_completion_tokens") result.MaxOutputTokenCount = max;
            else result.Patch.Set("$.max_tokens"u8, max);
        }
        if (options.AdditionalProperties?.TryGetValue(ChoicesKey, out var n) == true && Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture) is > 1 and var choices)
            result.Patch.Set("$.n"u8, choices);
        if (options.ResponseFormat is ChatResponseFormatJson { Schema: { } schema } json)
            result.ResponseFormat = OAI.ChatResponseFormat.CreateJsonSchemaFormat(json.SchemaName ?? "response",
                BinaryData.FromString(schema.GetRawText()), json.SchemaDescription, jsonSchemaIsStrict: true);
        else if (options.ResponseFormat is ChatResponseFormatJson)
            result.ResponseFormat = OAI.ChatResponseFormat.CreateJsonObjectFormat();
        return result;
    }
}
