using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Providers;

/// <summary>
/// A deterministic offline model for dry runs and demos. Every answer starts with "[MOCK]" and
/// the model id is "mock/…", so mock results can never pass for real ones. Each benchmark answers
/// its own prompts in the format its parser reads (<see cref="MockReplies"/>), choosing the verdict
/// from a hash of the request, so the same request always gets the same answer.
/// </summary>
public sealed class MockChatClient(string name = "mock") : IChatClient
{
    public const string Label = "[MOCK]";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var prompt = string.Join("\n", list.Select(m => m.Text));
        int choices = options?.AdditionalProperties?.TryGetValue(OpenAIRequest.ChoicesKey, out var n) == true ? Math.Max(1, Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture)) : 1;
        var answers = Enumerable.Range(0, choices)
            .Select(i => new ChatMessage(ChatRole.Assistant, MockReplies.Reply(prompt, Hash(list, i)) ?? FromSchema(options?.ResponseFormat) ?? Generic(Hash(list, i))) { AdditionalProperties = new() { [Completion.FinishReasonKey] = "stop" } })
            .ToList();
        return Task.FromResult(new ChatResponse(answers)
        {
            ModelId = $"mock/{name}",
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = prompt.Length / 4, OutputTokenCount = answers.Sum(a => a.Text.Length) / 4 },
        });
    }

    private static string Generic(uint hash) => $"{Label} A canned answer (variant {hash % 1000}) from the offline mock model. It is not a real model's output.";

    // Honours a JSON schema with canned values, so dry runs exercise structured output too.
    private static string? FromSchema(ChatResponseFormat? format)
    {
        if (format is not ChatResponseFormatJson { Schema: { } schema } || !schema.TryGetProperty("properties", out var properties)) return null;
        var values = properties.EnumerateObject().ToDictionary(p => p.Name, p => (object)(
            p.Value.TryGetProperty("type", out var type) && type.GetString() is "integer" or "number" ? 1 : Label));
        return System.Text.Json.JsonSerializer.Serialize(values);
    }

    private static uint Hash(IEnumerable<ChatMessage> messages, int sample)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var message in messages)
            foreach (var content in message.Contents)
            {
                if (content is TextContent text) sha.AppendData(Encoding.UTF8.GetBytes(text.Text));
                else if (content is DataContent data) sha.AppendData(data.Data.Span);
            }
        sha.AppendData(BitConverter.GetBytes(sample));
        return BitConverter.ToUInt32(sha.GetHashAndReset(), 0);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("mock", null, $"mock/{name}")
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
