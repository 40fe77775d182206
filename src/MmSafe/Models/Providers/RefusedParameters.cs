using System.Text.Json;
using System.Text.RegularExpressions;

namespace MmSafe.Models.Providers;

/// <summary>
/// Recognises a 400 that refuses one request parameter (a reasoning model refusing temperature 0, a server without
/// <c>n</c>…) and says how to leave it out. Every request of a run carries the same parameters, so such a refusal
/// would fail them all alike: it stops the run instead of being stored as one failure after another.
/// </summary>
public static partial class RefusedParameters
{
    /// <summary>The parameters recognised, by their name on the wire: those the tool sends, and the provider fields a models file may add.</summary>
    public static readonly IReadOnlyList<string> Known =
        ["temperature", "top_p", "max_tokens", "max_completion_tokens", "seed", "n", "response_format", "reasoning_effort", "thinking", "verbosity", "chat_template_kwargs"];

    /// <summary>The sampling parameters an evaluation file may drop per model (<c>drop_refused_parameters</c>): the others have settings of their own.</summary>
    public static readonly IReadOnlyList<string> Sampling = ["temperature", "top_p", "seed"];

    /// <summary>
    /// The parameter a 400's body refuses, or null when it does not clearly name one: OpenAI's <c>error.param</c>, else a
    /// name in the message with words of refusal ("Unsupported value: 'temperature'", "`temperature` may only be set to 1…",
    /// "n is not supported"). A body about the context length is not a refusal of the token limit.
    /// </summary>
    public static string? Find(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        string? message = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            // OpenAI and Anthropic: {"error": {...}}; vLLM and others: the fields at the top, or FastAPI's "detail".
            var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
            if (error.TryGetProperty("param", out var p) && p.ValueKind == JsonValueKind.String)
                // A param that names something else (messages[0].content, an image) is not a parameter refusal.
                return Name(p.GetString()!);
            message = Text(error, "message") ?? Text(root, "message") ?? Text(root, "detail") ?? (e.ValueKind == JsonValueKind.String ? e.GetString() : null);
        }
        catch (JsonException)
        {
            message = body;
        }
        if (message is null || ContextLength().IsMatch(message)) return null;
        if (Unsupported().Match(message) is { Success: true } declared) return Name(declared.Groups["name"].Value);
        if (!Refusal().IsMatch(message)) return null;
        // The first known name the message quotes ('x', "x", `x`); else, unquoted, a name right before the words of refusal.
        foreach (Match quoted in Quoted().Matches(message))
            if (Name(quoted.Groups["name"].Value) is { } name) return name;
        return Unquoted().Match(message) is { Success: true } plain ? Name(plain.Groups["name"].Value) : null;
    }

    private static string? Text(JsonElement element, string field) =>
        element.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // "response_format.json_schema" or "thinking.budget_tokens" refuse response_format and thinking.
    private static string? Name(string text)
    {
        var head = text.Split('.', '[')[0].Trim().ToLowerInvariant();
        return Known.Contains(head) ? head : null;
    }

    /// <summary>How to leave <paramref name="parameter"/> out (or fix it), for the model's role and where it was configured.</summary>
    public static string Advice(string parameter, string? serverMessage, ModelEndpoint endpoint)
    {
        // The captioner has no parameter flags of its own, only the model flags (its token field among them).
        string? parameterFlags = endpoint.Role is "target" or "judge" ? endpoint.FlagPrefix : null;
        string? unset = parameterFlags is null ? null : $"{parameterFlags}unset";
        string? maxTokens = parameterFlags is null ? null : $"{parameterFlags}max-tokens N";
        string? field = endpoint.FlagPrefix is { } prefix ? $"{prefix}max-tokens-field" : null;
        string entry = endpoint.Origin is { } origin ? $"in {origin}" : "in the model's models-file entry";
        // A model named on the command line is fixed by a flag first; a models-file entry by its own line first.
        string Either(string? flag, string line) =>
            flag is null ? $"set {line} {entry}"
            : endpoint.Origin is null ? $"pass {flag} (or set {line} {entry})"
            : $"set {line} {entry} (or pass {flag})";
        return parameter switch
        {
            "temperature" or "top_p" or "seed" or "reasoning_effort" =>
                $"to leave it unset, {Either(unset is null ? null : $"{unset} {parameter}", $"'{parameter}: unset' under parameters:")}",
            "max_tokens" when serverMessage?.Contains("max_completion_tokens", StringComparison.Ordinal) == true =>
                $"to send the limit as max_completion_tokens, {Either(field is null ? null : $"{field} max_completion_tokens", "'max_tokens_field: max_completion_tokens'")}",
            "max_tokens" => $"to send a smaller limit, {Either(maxTokens, "'max_tokens: N' under parameters:")}",
            "max_completion_tokens" => $"to send the limit as max_tokens, {Either(field is null ? null : $"{field} max_tokens", "'max_tokens_field: max_tokens'")}",
            "n" => $"to ask for each answer in its own request, set 'choices: parallel' {entry}",
            "response_format" => $"to judge with the prompt alone, set 'structured_output: off' (or auto, which then falls back by itself) {entry}",
            "thinking" => "the thinking budget is the reasoning allowance (Anthropic: at least 1024 tokens, below the token limit); " +
                Either(unset is null ? null : $"{unset} reasoning_allowance", "'reasoning_allowance: N' under parameters:"),
            _ => $"remove it from the entry's extra_body (or its verbosity / enable_thinking field) {entry}",
        };
    }

    [GeneratedRegex(@"context length|context window|maximum context|too many tokens", RegexOptions.IgnoreCase)]
    private static partial Regex ContextLength();

    [GeneratedRegex(@"(?:Unsupported (?:value|parameter)|Unrecognized request argument supplied|Unknown parameter)\s*:?\s*['""`]?(?<name>[A-Za-z_][A-Za-z_.]*)", RegexOptions.IgnoreCase)]
    private static partial Regex Unsupported();

    [GeneratedRegex(@"not supported|unsupported|does not support|doesn't support|not allowed|not permitted|may only|can only|cannot be|can't be|must be|should be|is only supported|only supports|only the default|not available|invalid|unrecognized|unknown", RegexOptions.IgnoreCase)]
    private static partial Regex Refusal();

    [GeneratedRegex(@"['""`](?<name>[A-Za-z_][A-Za-z_.\[\]0-9]*)['""`]")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?:^|[\s(:,])(?<name>temperature|top_p|max_tokens|max_completion_tokens|seed|n|response_format|reasoning_effort|thinking(?:\.budget_tokens)?|verbosity|chat_template_kwargs)\s*(?:[:=]\s*\S+\s*)?(?:is |are |parameter |value |field )?(?:not supported|unsupported|not allowed|not permitted|may only|can only|cannot be|must be|should be|is only supported|only supports|not available|invalid)", RegexOptions.IgnoreCase)]
    private static partial Regex Unquoted();
}
