using Microsoft.Extensions.AI;
using MmSafe.Models.Middleware;

namespace MmSafe.Models.Providers;

/// <summary>
/// The URL and body a model's provider would send for a prepared request, written by the provider's own writer
/// (<see cref="OpenAIRequest"/>, <see cref="AnthropicMessages"/>) but not sent: what a preview shows is what the wire carries.
/// </summary>
public static class RequestBody
{
    /// <summary>Shown as the URL of the offline mock, which sends nothing.</summary>
    public const string MockUrl = "mock: (answered offline, nothing is sent)";

    /// <param name="options">Options as <see cref="ModelClient.Prepare(IReadOnlyList{ChatMessage}, GenerationParameters, ChatResponseFormat?, int, int?)"/> makes them.</param>
    public static async Task<(string Url, byte[] Body)> WriteAsync(ModelSpec spec, IReadOnlyList<ChatMessage> messages, ChatOptions options,
        CancellationToken cancellationToken = default)
    {
        var endpoint = ModelClientFactory.Endpoint(spec, null);
        // The structured-output switch under the client leaves the format out for Anthropic and for a model recorded without it.
        if (spec.Provider == ProviderKind.Anthropic || spec.StructuredOutput == StructuredOutputMode.Off)
        {
            options = options.Clone();
            options.ResponseFormat = null;
        }
        if (spec.Provider == ProviderKind.Anthropic)
            return (AnthropicMessages.Url(endpoint), AnthropicMessages.Body(endpoint.Model, messages, options, spec.Defaults.MaxTokens ?? AnthropicMessages.DefaultMaxTokens, endpoint.ExtraBody));
        using var content = OpenAIRequest.Build(messages, options, endpoint);
        using var stream = new MemoryStream();
        await content.WriteToAsync(stream, cancellationToken).ConfigureAwait(false);
        return (spec.Provider == ProviderKind.Mock ? MockUrl : endpoint.CompletionsUrl, stream.ToArray());
    }
}
