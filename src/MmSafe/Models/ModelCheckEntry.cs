using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MmSafe.Models;

/// <summary>
/// The models-file entry that <c>mmsafe models check</c> proposes: the model as given, with its entry's own settings kept
/// (parameters, left-unset names, extra body fields, <c>reasoning</c>, structured output, image detail), plus every setting
/// the findings call for (the token field the endpoint wants, refused parameters left unset, <c>n</c> asked for one answer at
/// a time, structured output off, <c>reasoning: true</c> with a reasoning allowance). Each value is quoted as JSON, which
/// YAML reads as is.
/// </summary>
public static class ModelCheckEntry
{
    /// <summary>The allowance proposed for a model that reasons: at least this, or eight times what a one-word answer took.</summary>
    public const int MinimumAllowance = 4096;

    /// <summary>The entry's lines, indented to sit under <c>models:</c>.</summary>
    public static string Write(ModelSpec spec, IReadOnlyList<ModelCheckFinding> findings, bool reasons, long? reasoningTokens)
    {
        bool Refused(string check) => findings.FirstOrDefault(f => f.Check == check)?.Accepted == false;
        var s = new StringBuilder();
        s.Append($"  {Quote(spec.Name)}:\n");
        s.Append($"    provider: {spec.Provider.ToString().ToLowerInvariant()}\n");
        s.Append($"    model: {Quote(spec.Model)}\n");
        if (spec.Provider == ProviderKind.Mock) return s.ToString();
        s.Append($"    base_url: {Quote(spec.EffectiveBaseUrl.ToString())}\n");
        s.Append($"    api_key_env: {Quote(spec.ApiKeyEnv)}\n");
        if (spec.Provider == ProviderKind.OpenAI)
        {
            s.Append($"    max_tokens_field: {spec.EffectiveMaxTokensField}\n");
            // The entry's own choice stands (it is part of a run's settings), unless it asks for n and the endpoint does not honour it.
            var choices = spec.Choices == ChoicesMode.Native && findings.FirstOrDefault(f => f.Check == ModelCheck.Choices)?.Accepted != true ? ChoicesMode.Parallel : spec.Choices;
            s.Append($"    choices: {choices.ToString().ToLowerInvariant()}\n");
        }
        var structured = spec.Provider == ProviderKind.OpenAI && Refused(ModelCheck.Structured) ? Middleware.StructuredOutputMode.Off : spec.StructuredOutput;
        if (structured != Middleware.StructuredOutputMode.Auto) s.Append($"    structured_output: {structured.ToString().ToLowerInvariant()}\n");
        if (spec.ImageDetail is { } detail) s.Append($"    image_detail: {detail}\n");
        // Said either way when it matters: it reasons, the entry said so, or its id looks like a reasoning model's (a heuristic the check has now answered).
        bool reasoning = spec.Reasoning ?? reasons;
        if (reasoning || spec.Reasoning is not null || ReasoningModels.LooksLikeReasoning(spec.Model)) s.Append($"    reasoning: {(reasoning ? "true" : "false")}\n");
        // The extra body as the entry compiled it (verbosity and enable_thinking included): JSON is YAML's flow syntax.
        if (spec.ExtraBody is { } extra) s.Append($"    extra_body: {extra}\n");
        var parameters = Parameters(spec.Defaults, Refused(ModelCheck.Temperature), Refused(ModelCheck.TopP), Refused(ModelCheck.Seed),
            (spec.Reasoning ?? reasons) ? Allowance(reasoningTokens) : null);
        if (parameters.Count > 0) s.Append($"    parameters: {{ {string.Join(", ", parameters)} }}\n");
        return s.ToString();
    }

    /// <summary>A whole models file: the entries, and the judges among them as its <c>judges:</c> list.</summary>
    public static string Document(IEnumerable<string> entries, IReadOnlyList<string> judges)
    {
        var s = new StringBuilder("models:\n");
        foreach (var entry in entries) s.Append(entry);
        if (judges.Count > 0) s.Append($"judges: [{string.Join(", ", judges.Select(Quote))}]\n");
        return s.ToString();
    }

    // The entry's own values and unset names first; a refused parameter is left unset; a model that reasons gets room.
    private static List<string> Parameters(GenerationParameters own, bool noTemperature, bool noTopP, bool noSeed, int? proposedAllowance)
    {
        bool Unset(string name) => own.Unset?.Contains(name) == true;
        string? Value(string name, object? value, bool refused) =>
            refused || Unset(name) ? $"{name}: unset"
            : value is null ? null
            : $"{name}: {(value is string text ? Quote(text) : Convert.ToString(value, CultureInfo.InvariantCulture))}";
        return new[]
        {
            Value("temperature", own.Temperature, noTemperature),
            Value("top_p", own.TopP, noTopP),
            Value("max_tokens", own.MaxTokens, false),
            Value("seed", own.Seed, noSeed),
            Value("system_prompt", own.SystemPrompt, false),
            Value("reasoning_effort", own.ReasoningEffort, false),
            Value("reasoning_allowance", own.ReasoningAllowance ?? (Unset("reasoning_allowance") ? null : proposedAllowance), false),
        }.OfType<string>().ToList();
    }

    /// <summary>Room for hidden reasoning on top of the protocol's answer limit: a probe's reasoning times eight, rounded up to a power of two, at least <see cref="MinimumAllowance"/>.</summary>
    public static int Allowance(long? reasoningTokens)
    {
        long wanted = Math.Max(MinimumAllowance, 8 * (reasoningTokens ?? 0));
        int allowance = MinimumAllowance;
        while (allowance < wanted && allowance < 1 << 20) allowance *= 2;
        return allowance;
    }

    // JSON string syntax is YAML's double-quoted scalar: any name or URL is written safely.
    private static string Quote(string value) => JsonSerializer.Serialize(value, ReadableJson.Compact);
}
