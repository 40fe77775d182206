namespace MmSafe.Models;

/// <summary>
/// Which models reason before they answer, so that hidden reasoning may spend a protocol's token limit before any
/// visible text. A heuristic on the model id (the families below), overruled by the models file's <c>reasoning:</c>
/// field either way; used for warnings only, never to change what is sent.
/// </summary>
public static class ReasoningModels
{
    // Prefixes of the last path segment of the model id, lower case: OpenAI's o-series and GPT-5 family, DeepSeek-R1,
    // QwQ, Mistral's Magistral, Qwen3 (hybrid: it thinks by default behind vLLM and SGLang), but not its Instruct releases.
    private static readonly string[] Families = ["o1", "o3", "o4-mini", "gpt-5", "deepseek-r1", "qwq", "magistral", "qwen3"];

    /// <summary>True when the model id looks like a reasoning family (o1, o3, o4-mini, gpt-5*, deepseek-r1*, qwq*, *thinking*, magistral*, qwen3* but not qwen3*instruct*).</summary>
    public static bool LooksLikeReasoning(string modelId)
    {
        var id = modelId[(modelId.LastIndexOf('/') + 1)..].ToLowerInvariant();
        if (id.Contains("thinking", StringComparison.Ordinal)) return true;
        // Qwen3's Instruct releases (qwen3-vl-8b-instruct, qwen3-30b-a3b-instruct-2507) are the non-thinking half of the family.
        if (id.StartsWith("qwen3", StringComparison.Ordinal) && id.Contains("instruct", StringComparison.Ordinal)) return false;
        // "o1" must not match "o1x", but "o1-mini" and "o3-2025-04-16" are the family.
        return Families.Any(f => id.StartsWith(f, StringComparison.Ordinal)
            && (f.Length > 2 || id.Length == f.Length || id[f.Length] is '-' or '_' or '.' or ':'));
    }

    /// <summary>The reasoning efforts OpenAI-compatible APIs take (sent as written, so a typo fails when read, not on every request).</summary>
    public static readonly IReadOnlyList<string> Efforts = ["none", "minimal", "low", "medium", "high", "xhigh"];

    /// <summary>The effort as sent (lower case), or null when it is not one of <see cref="Efforts"/>.</summary>
    public static string? Effort(string value) => Efforts.FirstOrDefault(e => e.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The models file's word when it says, else no when the entry turns thinking off (enable_thinking: false), else the heuristic.</summary>
    public static bool IsKnown(ModelSpec spec) => spec.Reasoning ?? (!ThinkingTurnedOff(spec.ExtraBody) && LooksLikeReasoning(spec.Model));

    /// <summary>True when the extra body sends <c>chat_template_kwargs.enable_thinking: false</c> (vLLM and SGLang's switch for hybrid models).</summary>
    private static bool ThinkingTurnedOff(string? extraBody)
    {
        if (extraBody is null) return false;
        using var json = System.Text.Json.JsonDocument.Parse(extraBody);
        return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
            && json.RootElement.TryGetProperty("chat_template_kwargs", out var kwargs) && kwargs.ValueKind == System.Text.Json.JsonValueKind.Object
            && kwargs.TryGetProperty("enable_thinking", out var thinking) && thinking.ValueKind == System.Text.Json.JsonValueKind.False;
    }

    /// <summary>
    /// A warning when <paramref name="spec"/> is known to reason and <paramref name="effective"/> gives it only the
    /// protocol's budget (no reasoning allowance, no effort); null otherwise.
    /// </summary>
    /// <param name="role">"target" or "judge", which also picks the flags named.</param>
    public static string? BudgetWarning(string role, ModelSpec spec, GenerationParameters effective)
    {
        if (spec.Provider == ProviderKind.Mock || !IsKnown(spec) || effective.ReasoningAllowance is not null || effective.ReasoningEffort is not null) return null;
        string prefix = role == "judge" ? "--judge-" : "--";
        string why = spec.Reasoning == true ? "the models file says it reasons" : "its id looks like a reasoning model's";
        string limit = effective.MaxTokens is { } m ? $"the protocol's budget of {m} tokens" : "no reasoning budget";
        string effort = spec.Provider == ProviderKind.Anthropic ? "" : $" or {prefix}reasoning-effort low";
        return $"{role} {spec.Name} ({spec.Model}) may reason ({why}) and has {limit}, which hidden reasoning can spend before any answer; " +
            $"give it room with {prefix}reasoning-allowance N{effort} (reasoning_allowance / reasoning_effort under parameters: in the models file), " +
            "or say reasoning: false in its models-file entry if it does not reason.";
    }
}
