using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using MmSafe.Images;
using MmSafe.Models.Middleware;
using MmSafe.Models.Providers;

namespace MmSafe.Models;

/// <summary>What <c>mmsafe models check</c> found about an endpoint.</summary>
public sealed record ModelCheckResult(string Name, ProviderKind Provider, string Endpoint, TimeSpan Latency,
    bool ImageAccepted, string ImageNote, bool? ChoicesHonoured, string ChoicesNote, bool? StructuredOutput, string StructuredNote);

/// <summary>
/// Sends one tiny image + text request, then probes <c>n</c> and structured output. A key, URL or
/// model error ends the check with that error; anything else is reported as a finding.
/// </summary>
public static class ModelCheck
{
    private static readonly JsonElement ProbeSchema = JsonDocument.Parse(
        """{"type":"object","properties":{"colour":{"type":"string"}},"required":["colour"],"additionalProperties":false}""").RootElement.Clone();

    public static async Task<ModelCheckResult> RunAsync(ModelClient model, CancellationToken cancellationToken = default)
    {
        var spec = model.Spec;
        var image = new DataContent(TinyPng.Solid(32, 32, 220, 20, 20), "image/png");
        var probe = new ChatMessage(ChatRole.User, [new TextContent("What colour is this square? Answer with one word."), image]);
        var start = Stopwatch.GetTimestamp();
        bool imageAccepted;
        string imageNote;
        try
        {
            var answer = await model.Chat.GetResponseAsync([probe], new ChatOptions { MaxOutputTokens = 10, Temperature = 0 }, cancellationToken).ConfigureAwait(false);
            imageAccepted = true;
            imageNote = $"answered \"{Shorten(answer.Text)}\"";
        }
        catch (ModelRequestException e) when (e.Kind is ModelErrorKind.BadRequest or ModelErrorKind.RefusedParameter)
        {
            imageAccepted = false;
            imageNote = $"rejected: {e.Message}";
        }
        var latency = Stopwatch.GetElapsedTime(start);

        var (choices, choicesNote) = await ProbeChoicesAsync(model, cancellationToken).ConfigureAwait(false);
        var (structured, structuredNote) = await ProbeStructuredAsync(model, cancellationToken).ConfigureAwait(false);
        return new ModelCheckResult(spec.Name, spec.Provider, spec.Provider == ProviderKind.Mock ? "mock (offline, canned answers)" : spec.EffectiveBaseUrl.ToString(),
            latency, imageAccepted, imageNote, choices, choicesNote, structured, structuredNote);
    }

    private static async Task<(bool?, string)> ProbeChoicesAsync(ModelClient model, CancellationToken cancellationToken)
    {
        var options = new ChatOptions { MaxOutputTokens = 5, AdditionalProperties = new() { [OpenAIRequest.ChoicesKey] = 2 } };
        try
        {
            var response = await model.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Say hi.")], options, cancellationToken).ConfigureAwait(false);
            int count = response.Messages.Count;
            return count >= 2
                ? (true, "2 choices returned for n=2; 'choices: native' is safe")
                : (false, $"{count} choice returned for n=2; use 'choices: parallel' (the default)");
        }
        catch (ModelRequestException e) when (e.Kind is ModelErrorKind.BadRequest or ModelErrorKind.RefusedParameter)
        {
            return (false, $"n=2 rejected; use 'choices: parallel' ({e.Message})");
        }
    }

    private static async Task<(bool?, string)> ProbeStructuredAsync(ModelClient model, CancellationToken cancellationToken)
    {
        if (model.Spec.StructuredOutput == StructuredOutputMode.Off) return (null, "off in the configuration; prompts alone are used");
        var options = new ChatOptions { MaxOutputTokens = 30, Temperature = 0, ResponseFormat = ChatResponseFormat.ForJsonSchema(ProbeSchema, "probe") };
        var prompt = new ChatMessage(ChatRole.User, "Reply with a JSON object whose field colour is \"red\".");
        try
        {
            var response = await model.Chat.GetResponseAsync([prompt], options, cancellationToken).ConfigureAwait(false);
            if (model.StructuredOutputUnsupported) return (false, "response_format rejected; judges fall back to the prompt alone");
            return IsProbeJson(response.Text)
                ? (true, "json_schema response_format honoured")
                : (false, $"accepted but the answer is not the requested JSON (\"{Shorten(response.Text)}\"); judges parse the text");
        }
        catch (ModelRequestException e) when (e.Kind is ModelErrorKind.BadRequest or ModelErrorKind.RefusedParameter)
        {
            return (false, $"rejected: {e.Message}");
        }
    }

    private static bool IsProbeJson(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("colour", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text)
    {
        var flat = string.Join(' ', text.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return flat.Length <= 60 ? flat : flat[..60] + "…";
    }
}
