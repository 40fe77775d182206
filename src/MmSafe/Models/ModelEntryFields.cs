using System.Globalization;
using System.Text.Json.Nodes;

namespace MmSafe.Models;

/// <summary>
/// The models-file fields read as maps rather than typed fields: <c>parameters:</c>, where a value of <c>unset</c>,
/// <c>null</c> or <c>~</c> leaves the parameter unset even over the protocol (absent keeps the protocol's), and the
/// provider-specific body fields (<c>verbosity</c>, <c>enable_thinking</c>, <c>extra_body</c>) compiled into one JSON object.
/// </summary>
internal static class ModelEntryFields
{
    /// <summary>The fields the tool writes itself: an extra body may not set them (it would send them twice, or change the protocol unseen).</summary>
    public static readonly IReadOnlyList<string> Owned =
        ["model", "messages", "temperature", "top_p", "max_tokens", "max_completion_tokens", "seed", "n", "response_format", "stop", "system", "stream", "reasoning_effort"];

    public static GenerationParameters Parameters(Dictionary<string, object?>? map, string where)
    {
        if (map is null) return new();
        var p = new GenerationParameters();
        var unset = new List<string>();
        foreach (var (key, value) in map)
        {
            string field = $"{where}: parameters.{key}";
            if (!GenerationParameters.Names.Contains(key))
                throw new InputException($"{where}: parameters: '{key}' is not a parameter; expected {string.Join(", ", GenerationParameters.Names)}" +
                    (YamlFile.Closest(key, GenerationParameters.Names) is { } guess ? $"; did you mean '{guess}'?" : "."));
            if (value is null || value is string u && u.Trim().Equals("unset", StringComparison.OrdinalIgnoreCase))
            {
                unset.Add(key);
                continue;
            }
            if (value is not string text)
                throw new InputException($"{field}: expected a single value, got {(value is System.Collections.IDictionary ? "a map" : "a list")}.");
            p = key switch
            {
                "temperature" => p with { Temperature = Number(text, field, 0, 2) },
                "top_p" => p with { TopP = Number(text, field, 0, 1) },
                "max_tokens" => p with { MaxTokens = Whole(text, field, "max_tokens") },
                "seed" => p with { Seed = long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed
                    : throw new InputException($"{field} is '{text}'; expected a whole number, or unset.") },
                "system_prompt" => p with { SystemPrompt = text },
                "reasoning_effort" => p with { ReasoningEffort = ReasoningModels.Effort(text) ?? throw new InputException($"{field} is '{text}'; expected {string.Join(", ", ReasoningModels.Efforts)}, or unset.") },
                _ => p with { ReasoningAllowance = Whole(text, field, "reasoning_allowance") },
            };
        }
        return unset.Count == 0 ? p : p with { Unset = unset };
    }

    // NaN fails every comparison: it is out of range too (YAML's .nan), as no server takes it.
    private static double Number(string text, string field, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v
        : throw new InputException(FormattableString.Invariant($"{field} is '{text}'; expected a number from {min} to {max}, or unset (also null or ~) to send none."));

    private static int Whole(string text, string field, string name) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 1 ? v
        : throw new InputException($"{field} is '{text}'; {name} must be a whole number of at least 1, or unset.");

    /// <summary>The entry's provider-specific body fields as canonical compact JSON (keys in ordinal order, at every depth), or null when it has none.</summary>
    public static string? ExtraBody(Dictionary<string, object?>? extra, string? verbosity, bool? enableThinking, ProviderKind provider, string where)
    {
        var body = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in extra ?? [])
        {
            // Servers may read JSON keys without regard to case (many do): 'Temperature' would set the owned field unseen.
            if (Owned.FirstOrDefault(o => o.Equals(key, StringComparison.OrdinalIgnoreCase)) is { } owned)
                throw new InputException($"{where}: extra_body sets '{key}', which the tool sends itself ({string.Join(", ", Owned)}); " +
                    (owned == "reasoning_effort" ? "give it as parameters: { reasoning_effort: … }" : GenerationParameters.Names.Contains(owned) ? $"give it under parameters: ({owned}: unset sends none)" : "take it out") + ".");
            body[key] = Node(value);
        }
        if (provider == ProviderKind.Anthropic && (verbosity is not null || enableThinking is not null))
            throw new InputException($"{where}: {(verbosity is not null ? "verbosity" : "enable_thinking")} is a field of OpenAI-compatible servers, not of Anthropic's Messages API; " +
                "take it out (Anthropic's thinking is a reasoning allowance: parameters: { reasoning_allowance: N }).");
        if (verbosity is not null)
        {
            if (body.ContainsKey("verbosity")) throw new InputException($"{where}: verbosity is given both as a field and in extra_body; keep one.");
            body["verbosity"] = new[] { "low", "medium", "high" }.FirstOrDefault(v => v.Equals(verbosity.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new InputException($"{where}: verbosity '{verbosity}' is not valid; expected low, medium or high.");
        }
        if (enableThinking is { } thinking)
        {
            var kwargs = body.GetValueOrDefault("chat_template_kwargs") as JsonObject ?? (body.ContainsKey("chat_template_kwargs")
                ? throw new InputException($"{where}: extra_body.chat_template_kwargs must be a map to hold enable_thinking.") : new JsonObject());
            if (kwargs.ContainsKey("enable_thinking")) throw new InputException($"{where}: enable_thinking is given both as a field and in extra_body.chat_template_kwargs; keep one.");
            kwargs["enable_thinking"] = thinking;
            body["chat_template_kwargs"] = Sorted(kwargs);
        }
        if (body.Count == 0) return null;
        var json = new JsonObject();
        foreach (var (key, value) in body) json[key] = value;
        return json.ToJsonString();
    }

    // YAML gives every plain scalar as a string: true/false, whole and decimal numbers become JSON's, the rest stay strings.
    private static JsonNode? Node(object? value) => value switch
    {
        null => null,
        string s when s is "true" or "True" or "TRUE" => JsonValue.Create(true),
        string s when s is "false" or "False" or "FALSE" => JsonValue.Create(false),
        string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        System.Collections.IDictionary map => Sorted(new JsonObject(map.Keys.Cast<object>().Select(k => KeyValuePair.Create(Convert.ToString(k, CultureInfo.InvariantCulture)!, Node(map[k]))))),
        System.Collections.IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(Node)]),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static JsonObject Sorted(JsonObject o)
    {
        var pairs = o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value is JsonObject inner ? Sorted(inner) : p.Value?.DeepClone())).ToList();
        return new JsonObject(pairs);
    }
}
