using System.Globalization;
using System.Text.Json;
using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>Where one model's recorded settings depart from its role's protocol parameters, in words (part of <see cref="RunSpec.Deviations"/>).</summary>
public static class ModelDeviations
{
    /// <param name="who">"target" or "judge NAME", the start of every line.</param>
    public static IEnumerable<string> Of(string who, GenerationParameters protocol, ModelSettings model)
    {
        var sent = model.Parameters;
        // A parameter dropped because the endpoint refused it is one line, saying why it was not sent.
        string Value(string name, object? value) =>
            value is null && model.Dropped?.Contains(name) == true ? "not sent: dropped because the endpoint refused it" : S(value);
        if (protocol.Temperature != sent.Temperature) yield return $"{who} temperature {Value("temperature", sent.Temperature)} (protocol: {S(protocol.Temperature)})";
        if (protocol.TopP != sent.TopP) yield return $"{who} top_p {Value("top_p", sent.TopP)} (protocol: {S(protocol.TopP)})";
        if (protocol.MaxTokens != sent.MaxTokens) yield return $"{who} max_tokens {S(sent.MaxTokens)} (protocol: {S(protocol.MaxTokens)})";
        if (protocol.Seed != sent.Seed) yield return $"{who} seed {Value("seed", sent.Seed)} (protocol: {S(protocol.Seed)})";
        if (protocol.SystemPrompt != sent.SystemPrompt)
            yield return $"{who} system prompt {(sent.SystemPrompt is null ? "not sent" : $"\"{sent.SystemPrompt}\"")} (protocol: {(protocol.SystemPrompt is null ? "none" : $"\"{protocol.SystemPrompt}\"")})";
        if (sent.ReasoningAllowance is { } allowance && allowance != protocol.ReasoningAllowance)
        {
            bool anthropic = model.Provider == nameof(ProviderKind.Anthropic);
            // Anthropic's max_tokens is required: with no answer limit, its default one is the base of the sum.
            int? limit = sent.SentMaxTokens ?? (anthropic ? Models.Providers.AnthropicMessages.DefaultMaxTokens + allowance : null);
            string answer = sent.MaxTokens is { } m ? $"the answer limit {m}" : anthropic ? $"the default answer limit {Models.Providers.AnthropicMessages.DefaultMaxTokens}" : "no answer limit";
            yield return anthropic
                ? $"{who} thinking budget {allowance} tokens on top of {answer} (max_tokens sent: {S(limit)}; protocol: {S(protocol.MaxTokens)})"
                : $"{who} reasoning allowance {allowance} tokens on top of {answer} (token limit sent: {S(limit)}; protocol: {S(protocol.MaxTokens)})";
        }
        if (sent.ReasoningEffort != protocol.ReasoningEffort)
            yield return $"{who} reasoning_effort {sent.ReasoningEffort ?? "not sent"} (protocol: {protocol.ReasoningEffort ?? "not sent"})";
        if (model.ExtraBody is { } extra) yield return $"{who} sends extra body fields: {Fields(extra)}";
    }

    /// <summary>
    /// A model's parameters where they depart from its role's protocol, short and comma-separated
    /// ("temperature not sent, reasoning allowance 4096"); "the protocol's settings" when none does.
    /// </summary>
    public static string Settings(GenerationParameters protocol, GenerationParameters sent)
    {
        var parts = new List<string>();
        void Add(string name, object? mine, object? official)
        {
            if (!Equals(mine, official)) parts.Add($"{name} {S(mine)}");
        }
        Add("temperature", sent.Temperature, protocol.Temperature);
        Add("top_p", sent.TopP, protocol.TopP);
        Add("max_tokens", sent.MaxTokens, protocol.MaxTokens);
        Add("seed", sent.Seed, protocol.Seed);
        if (sent.SystemPrompt != protocol.SystemPrompt) parts.Add(sent.SystemPrompt is null ? "system prompt not sent" : $"system prompt \"{sent.SystemPrompt}\"");
        Add("reasoning_effort", sent.ReasoningEffort, protocol.ReasoningEffort);
        Add("reasoning allowance", sent.ReasoningAllowance, protocol.ReasoningAllowance);
        return parts.Count == 0 ? "the protocol's settings" : string.Join(", ", parts);
    }

    /// <summary>Extra body fields as "name=value" pairs: strings bare, anything else as compact JSON.</summary>
    public static string Fields(string extraBody)
    {
        using var json = JsonDocument.Parse(extraBody);
        return string.Join(", ", json.RootElement.EnumerateObject().Select(p =>
            $"{p.Name}={(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"));
    }

    private static string S(object? v) => v is null ? "not sent" : Convert.ToString(v, CultureInfo.InvariantCulture)!;
}
