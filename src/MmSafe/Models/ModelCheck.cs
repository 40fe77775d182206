using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using MmSafe.Images;
using MmSafe.Models.Middleware;
using MmSafe.Models.Providers;

namespace MmSafe.Models;

/// <summary>One thing <c>mmsafe models check</c> asked an endpoint: accepted (true), refused (false) or not applicable (null), and what it saw.</summary>
public sealed record ModelCheckFinding(string Check, bool? Accepted, string Note);

/// <summary>What <c>mmsafe models check</c> found about an endpoint, and a models-file entry that works with it.</summary>
/// <param name="ReasoningTokens">The reasoning tokens the endpoint reported for the probe's short answer (null: none reported).</param>
/// <param name="Entry">A models-file entry (YAML lines that sit under <c>models:</c>) with the entry's own settings and those the findings call for.</param>
public sealed record ModelCheckResult(string Name, ProviderKind Provider, string Endpoint, TimeSpan Latency, IReadOnlyList<ModelCheckFinding> Findings,
    bool Reasons, long? ReasoningTokens, string Entry)
{
    public ModelCheckFinding? Find(string check) => Findings.FirstOrDefault(f => f.Check == check);
}

/// <summary>
/// Asks an endpoint, one tiny request at a time, what a run will ask of it: an image, the token-limit field, temperature 0,
/// top_p, a seed, several choices (<c>n</c>), a JSON-schema response format; and whether it reasons (reasoning tokens or
/// reasoning text in the reply). A refused parameter is a finding; a key, URL or model error ends the check with that error.
/// Every probe leaves room for hidden reasoning, so that a reasoning model's empty answer is not taken for a refusal.
/// </summary>
public static class ModelCheck
{
    public const string Image = "image input", TokenField = "token limit field", Temperature = "temperature 0", TopP = "top_p 1", Seed = "seed",
        Choices = "n (choices)", Structured = "response_format json_schema", Reasoning = "reasoning", Thinking = "extended thinking";

    /// <summary>The token limit of every probe: room for a reasoning model to think before its one-word answer.</summary>
    public const int ProbeTokens = 1024;

    private static readonly JsonElement ProbeSchema = JsonDocument.Parse(
        """{"type":"object","properties":{"colour":{"type":"string"}},"required":["colour"],"additionalProperties":false}""").RootElement.Clone();

    /// <param name="connect">Builds a client for a spec (the check switches the token field when the endpoint refuses the configured one).</param>
    public static async Task<ModelCheckResult> RunAsync(ModelSpec spec, Func<ModelSpec, ModelClient> connect, CancellationToken cancellationToken = default)
    {
        var model = connect(spec);
        var findings = new List<ModelCheckFinding>();
        var image = new DataContent(TinyPng.Solid(32, 32, 220, 20, 20), "image/png");
        var probe = new ChatMessage(ChatRole.User, [new TextContent("What colour is this square? Answer with one word."), image]);
        var start = Stopwatch.GetTimestamp();
        var (answer, refusal) = await TryAsync(model, [probe], new ChatOptions { MaxOutputTokens = ProbeTokens }, cancellationToken).ConfigureAwait(false);
        string field = spec.Provider == ProviderKind.Anthropic ? "max_tokens" : spec.EffectiveMaxTokensField;
        string? fieldNote = null;
        if (refusal is not null && spec.Provider == ProviderKind.OpenAI && Names(refusal, field))
        {
            // The endpoint wants the other name for the token limit (OpenAI's reasoning models refuse max_tokens).
            var other = field == "max_tokens" ? "max_completion_tokens" : "max_tokens";
            fieldNote = $"{field} refused ({refusal.Message}); {other} accepted";
            (spec, field) = (spec with { MaxTokensField = other }, other);
            model = connect(spec);
            start = Stopwatch.GetTimestamp();
            (answer, refusal) = await TryAsync(model, [probe], new ChatOptions { MaxOutputTokens = ProbeTokens }, cancellationToken).ConfigureAwait(false);
        }
        var latency = Stopwatch.GetElapsedTime(start);
        findings.Add(answer is not null
            ? new(Image, true, answer.Text.Length > 0 ? $"answered \"{Shorten(answer.Text)}\"" : $"accepted; the answer was empty (finish_reason {answer.FinishReason?.Value ?? "none"})")
            : new(Image, false, $"rejected: {refusal!.Message}"));
        findings.Add(spec.Provider == ProviderKind.Mock ? new(TokenField, null, "the mock takes any limit") : new(TokenField, fieldNote is null ? answer is not null : true, fieldNote ?? (answer is not null ? $"{field} accepted" : $"{field} not confirmed (the first probe failed)")));

        var text = new ChatMessage(ChatRole.User, "Say hi.");
        findings.Add(await ParameterAsync(model, Temperature, text, new ChatOptions { MaxOutputTokens = ProbeTokens, Temperature = 0 }, cancellationToken).ConfigureAwait(false));
        findings.Add(await ParameterAsync(model, TopP, text, new ChatOptions { MaxOutputTokens = ProbeTokens, TopP = 1 }, cancellationToken).ConfigureAwait(false));
        findings.Add(spec.Provider == ProviderKind.Anthropic
            ? new(Seed, null, "Anthropic's API has no seed; none is sent")
            : await ParameterAsync(model, Seed, text, new ChatOptions { MaxOutputTokens = ProbeTokens, Seed = 7 }, cancellationToken).ConfigureAwait(false));
        findings.Add(spec.Provider == ProviderKind.Anthropic
            ? new(Choices, null, "Anthropic's API has no n; answers are asked for one at a time")
            : await ProbeChoicesAsync(model, cancellationToken).ConfigureAwait(false));
        findings.Add(await ProbeStructuredAsync(model, cancellationToken).ConfigureAwait(false));

        long? reasoningTokens = answer?.Usage?.ReasoningTokenCount is > 0 and var r ? r : null;
        bool reasoningText = answer?.Messages.Any(m => m.Contents.OfType<TextReasoningContent>().Any()) == true;
        bool reasons = reasoningTokens is not null || reasoningText;
        findings.Add(new(Reasoning, reasons,
            reasoningTokens is { } n ? $"{n} reasoning tokens reported for a one-word answer; they count against the token limit"
            : reasoningText ? "the reply carries reasoning text (stored apart from the answer, never judged)"
            : "no reasoning tokens or reasoning text in the reply"));
        if (spec.Provider == ProviderKind.Anthropic) findings.Add(await ProbeThinkingAsync(model, cancellationToken).ConfigureAwait(false));
        return new ModelCheckResult(spec.Name, spec.Provider, spec.Provider == ProviderKind.Mock ? "mock (offline, canned answers)" : spec.EffectiveBaseUrl.ToString(),
            latency, findings, reasons, reasoningTokens, ModelCheckEntry.Write(spec, findings, reasons, reasoningTokens));
    }

    private static async Task<(ChatResponse? Answer, ModelRequestException? Refusal)> TryAsync(ModelClient model, IReadOnlyList<ChatMessage> messages, ChatOptions options,
        CancellationToken cancellationToken)
    {
        try
        {
            return (await model.Chat.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ModelRequestException e) when (e.Kind is ModelErrorKind.BadRequest or ModelErrorKind.RefusedParameter)
        {
            return (null, e);
        }
    }

    private static async Task<ModelCheckFinding> ParameterAsync(ModelClient model, string check, ChatMessage message, ChatOptions options, CancellationToken cancellationToken)
    {
        var (answer, refusal) = await TryAsync(model, [message], options, cancellationToken).ConfigureAwait(false);
        if (answer is not null) return new(check, true, "accepted");
        // The probe sends the parameter whatever the entry says; an entry that already leaves it unset needs no fix.
        string name = check.Split(' ')[0];
        return model.Spec.Defaults.Unset?.Contains(name) == true
            ? new(check, false, $"refused; the entry already leaves {name} unset, so runs do not send it")
            : new(check, false, $"refused: {refusal!.Message}");
    }

    // Whether a refusal is about this parameter: the server named it (OpenAI's "param"), or its message quotes it.
    private static bool Names(ModelRequestException e, string parameter) =>
        e.Parameter == parameter || e.Parameter is null && e.Message.Contains($"'{parameter}'", StringComparison.Ordinal);

    private static async Task<ModelCheckFinding> ProbeChoicesAsync(ModelClient model, CancellationToken cancellationToken)
    {
        var options = new ChatOptions { MaxOutputTokens = ProbeTokens, AdditionalProperties = new() { [OpenAIRequest.ChoicesKey] = 2 } };
        var (response, refusal) = await TryAsync(model, [new ChatMessage(ChatRole.User, "Say hi.")], options, cancellationToken).ConfigureAwait(false);
        if (response is null) return new(Choices, false, $"n=2 refused; use 'choices: parallel' ({refusal!.Message})");
        int count = response.Messages.Count;
        return count >= 2
            ? new(Choices, true, "2 choices returned for n=2; 'choices: native' is safe")
            : new(Choices, false, $"{count} choice returned for n=2; use 'choices: parallel'");
    }

    // Claude thinks only when asked: ask with the smallest budget Anthropic takes.
    private static async Task<ModelCheckFinding> ProbeThinkingAsync(ModelClient model, CancellationToken cancellationToken)
    {
        const int budget = 1024;
        var options = new ChatOptions { MaxOutputTokens = budget + 64, AdditionalProperties = new() { [ReasoningKeys.Allowance] = budget } };
        var (response, refusal) = await TryAsync(model, [new ChatMessage(ChatRole.User, "Say hi.")], options, cancellationToken).ConfigureAwait(false);
        if (response is null) return new(Thinking, false, $"thinking refused: {refusal!.Message}");
        return response.Messages.Any(m => m.Contents.OfType<TextReasoningContent>().Any())
            ? new(Thinking, true, $"with thinking.budget_tokens {budget} the reply carried a thinking block; off unless the entry sets reasoning_allowance (at least {budget}, with temperature and top_p unset)")
            : new(Thinking, true, $"accepted thinking.budget_tokens {budget}, but the reply carried no thinking block");
    }

    private static async Task<ModelCheckFinding> ProbeStructuredAsync(ModelClient model, CancellationToken cancellationToken)
    {
        if (model.Spec.Provider == ProviderKind.Anthropic) return new(Structured, null, "Anthropic's API takes no response_format; judges parse the text");
        if (model.Spec.StructuredOutput == StructuredOutputMode.Off) return new(Structured, null, "off in the configuration; prompts alone are used");
        var options = new ChatOptions { MaxOutputTokens = ProbeTokens, ResponseFormat = ChatResponseFormat.ForJsonSchema(ProbeSchema, "probe") };
        var prompt = new ChatMessage(ChatRole.User, "Reply with a JSON object whose field colour is \"red\".");
        var (response, refusal) = await TryAsync(model, [prompt], options, cancellationToken).ConfigureAwait(false);
        if (response is null) return new(Structured, false, $"refused: {refusal!.Message}");
        if (model.StructuredOutputUnsupported) return new(Structured, false, "response_format refused; judges fall back to the prompt alone");
        return IsProbeJson(response.Text)
            ? new(Structured, true, "json_schema response_format honoured")
            : new(Structured, true, $"accepted, but the answer is not the requested JSON (\"{Shorten(response.Text)}\"); judges parse the text");
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
