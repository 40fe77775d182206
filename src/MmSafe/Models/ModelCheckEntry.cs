using System.Text;
using System.Text.Json;

namespace MmSafe.Models;

/// <summary>
/// The models-file entry that <c>mmsafe models check</c> proposes: the model as given, plus every setting its findings call
/// for (the token field the endpoint wants, parameters it refuses left unset, n asked for one answer at a time, structured
/// output off, <c>reasoning: true</c> with a reasoning allowance). Each value is quoted as JSON, which YAML reads as is.
/// </summary>
public static class ModelCheckEntry
{
    /// <summary>The allowance proposed for a model that reasons: at least this, or eight times what a one-word answer took.</summary>
    public const int MinimumAllowance = 4096;

    public static string Write(ModelSpec spec, IReadOnlyList<ModelCheckFinding> findings, bool reasons, long? reasoningTokens)
    {
        bool Refused(string check) => findings.FirstOrDefault(f => f.Check == check)?.Accepted == false;
        var s = new StringBuilder();
        s.Append("models:\n");
        s.Append($"  {Quote(spec.Name)}:\n");
        s.Append($"    provider: {spec.Provider.ToString().ToLowerInvariant()}\n");
        s.Append($"    model: {Quote(spec.Model)}\n");
        if (spec.Provider == ProviderKind.Mock) return s.ToString();
        s.Append($"    base_url: {Quote(spec.EffectiveBaseUrl.ToString())}\n");
        s.Append($"    api_key_env: {Quote(spec.ApiKeyEnv)}\n");
        if (spec.Provider == ProviderKind.OpenAI)
        {
            s.Append($"    max_tokens_field: {spec.EffectiveMaxTokensField}\n");
            s.Append($"    choices: {(findings.FirstOrDefault(f => f.Check == ModelCheck.Choices)?.Accepted == true ? "native" : "parallel")}\n");
            if (Refused(ModelCheck.Structured)) s.Append("    structured_output: off\n");
        }
        if (reasons) s.Append("    reasoning: true\n");
        var parameters = new List<string>();
        if (Refused(ModelCheck.Temperature)) parameters.Add("temperature: unset");
        if (Refused(ModelCheck.TopP)) parameters.Add("top_p: unset");
        if (Refused(ModelCheck.Seed)) parameters.Add("seed: unset");
        if (reasons) parameters.Add($"reasoning_allowance: {Allowance(reasoningTokens)}");
        if (parameters.Count > 0) s.Append($"    parameters: {{ {string.Join(", ", parameters)} }}\n");
        return s.ToString();
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
    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
