using MmSafe.Models.Middleware;

namespace MmSafe.Models;

/// <summary>
/// A YAML file of named models:
/// <code>
/// models:
///   gpt4o:
///     provider: openai            # openai (any compatible server) | anthropic | mock
///     model: gpt-4o-2024-08-06
///     base_url: https://api.openai.com/v1
///     api_key_env: OPENAI_API_KEY
///     concurrency: 16
///     requests_per_minute: 500
///     choices: native             # native (API's n) | parallel (single requests)
///     structured_output: auto     # auto | on | off
///     image_detail: high            # low | high | auto
///     max_tokens_field: max_tokens  # max_tokens | max_completion_tokens
///     parameters: { temperature: 0, top_p: 1, max_tokens: 500, seed: 7, system_prompt: "…" }   # unset (or null, ~): send none, even over the protocol
///     retry: { max_retries: 5, base_delay_seconds: 1, max_delay_seconds: 30, max_retry_after_seconds: 120, timeout_seconds: 120, give_up_after_seconds: 30 }
///   gpt5:                           # a reasoning model
///     model: gpt-5-mini
///     reasoning: true               # it reasons (hidden reasoning counts against the token limit); false silences the warning
///     verbosity: low                # OpenAI's verbosity: low | medium | high
///     parameters: { temperature: unset, top_p: unset, reasoning_effort: low, reasoning_allowance: 4096 }
///   qwen3:
///     model: Qwen/Qwen3-VL-8B-Thinking
///     base_url: http://localhost:8000/v1
///     enable_thinking: false        # vLLM/SGLang: sent as chat_template_kwargs: { enable_thinking: false }
///     extra_body: { top_k: 20 }     # any further body fields, as written (not those the tool sends itself)
/// </code>
/// </summary>
public static class ModelsFile
{
    /// <summary>The file's <c>judges:</c> list (a judge panel by entry names), checked against its entries; empty when it has none.</summary>
    public static IReadOnlyList<ModelSpec> Judges(string path)
    {
        var models = Load(path);
        var names = Read(path).Judges ?? [];
        var unknown = names.Where(n => !models.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            throw new InputException($"{path}: judges lists {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which {(unknown.Count == 1 ? "is" : "are")} not an entry under models:.");
        return [.. names.Select(n => models[n])];
    }

    public static IReadOnlyDictionary<string, ModelSpec> Load(string path)
    {
        var document = Read(path);
        if (document.Models is not { Count: > 0 })
            throw new InputException($"{path}: no models; expected a 'models:' map of named entries.");
        return document.Models.ToDictionary(p => p.Key, p => ToSpec(path, p.Key, p.Value), StringComparer.Ordinal);
    }

    private static Document Read(string path) => YamlFile.Read<Document>(path, "models file", Friendly, parameterNames: GenerationParameters.Names) ?? new();

    private static ModelSpec ToSpec(string path, string name, Entry e)
    {
        string where = $"{path}: model '{name}'";
        var provider = (e.Provider ?? "openai").ToLowerInvariant() switch
        {
            "openai" or "openai-compatible" or "vllm" or "sglang" or "ollama" or "lmstudio" or "llamacpp" => ProviderKind.OpenAI,
            "anthropic" => ProviderKind.Anthropic,
            "mock" => ProviderKind.Mock,
            var other => throw new InputException($"{where}: provider '{other}' is unknown; expected openai, anthropic or mock."),
        };
        Uri? baseUrl = null;
        if (e.BaseUrl is not null && (!Uri.TryCreate(e.BaseUrl, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https")))
            throw new InputException($"{where}: base_url '{e.BaseUrl}' is not an http(s) URL; expected e.g. http://localhost:8000/v1.");
        if (e.BaseUrls is { Count: 0 })
            // An empty list must not mean "the default endpoint": nothing goes where the user did not name.
            throw new InputException($"{where}: base_urls is an empty list; expected at least one URL (e.g. [http://gpu-1:8000/v1, http://gpu-2:8000/v1]) or a single base_url.");
        var replicas = new List<Uri>();
        foreach (var url in e.BaseUrls ?? [])
            replicas.Add(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u
                : throw new InputException($"{where}: base_urls entry '{url}' is not an http(s) URL; expected e.g. http://gpu-2:8000/v1."));
        if (replicas.Count > 0 && baseUrl is null) (baseUrl, replicas) = (replicas[0], replicas.Skip(1).ToList());
        if (e.RequestsPerMinute is < 1) throw new InputException($"{where}: requests_per_minute must be at least 1, not {e.RequestsPerMinute}.");
        var parameters = ModelEntryFields.Parameters(e.Parameters, where);
        if (e.Retry?.MaxRetries is < 0 or > 20) throw new InputException($"{where}: retry.max_retries must be from 0 to 20, not {e.Retry.MaxRetries}.");
        // Sent as written: a value the API does not know would fail every request, or be ignored without a word.
        var imageDetail = OneOf(e.ImageDetail, where, "image_detail", "low", "high", "auto");
        var maxTokensField = OneOf(e.MaxTokensField, where, "max_tokens_field", "max_tokens", "max_completion_tokens");
        if (e.ApiKeyEnv is { } keyEnv && string.IsNullOrWhiteSpace(keyEnv))
            throw new InputException($"{where}: api_key_env is empty; expected the name of the environment variable that holds the key (e.g. OPENAI_API_KEY), or leave the field out for the provider's default.");
        if (e.ApiKeyEnv is { } variable && !ModelSpec.IsVariableName(variable))
            // Not echoed: a value of this shape is often the key itself, pasted where its variable's name belongs.
            throw new InputException($"{where}: api_key_env is not an environment variable's name (letters, digits and _, not starting with a digit; e.g. OPENAI_API_KEY); it names the variable that holds the key, never the key itself.");
        var r = e.Retry ?? new();
        var defaults = new RetryOptions();
        if (e.Model is { } id && string.IsNullOrWhiteSpace(id)) throw new InputException($"{where}: 'model' is empty; expected the model id the endpoint serves.");
        return new ModelSpec(name, provider, e.Model ?? throw new InputException($"{where}: 'model' is missing; expected the model id the endpoint serves."))
        {
            BaseUrl = baseUrl,
            Replicas = replicas,
            ApiKeyEnv = e.ApiKeyEnv ?? (provider == ProviderKind.Anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"),
            Defaults = parameters,
            ExtraBody = ModelEntryFields.ExtraBody(e.ExtraBody, e.Verbosity, e.EnableThinking, provider, where),
            Reasoning = e.Reasoning,
            Concurrency = e.Concurrency is > 0 and var c ? c : e.Concurrency is null ? 8 : throw new InputException($"{where}: concurrency must be at least 1."),
            RequestsPerMinute = e.RequestsPerMinute,
            Choices = Parse<ChoicesMode>(e.Choices, ModelSpec.DefaultChoices(provider, baseUrl), where, "choices", "native or parallel"),
            StructuredOutput = Parse<StructuredOutputMode>(e.StructuredOutput, StructuredOutputMode.Auto, where, "structured_output", "auto, on or off"),
            ImageDetail = imageDetail,
            MaxTokensField = maxTokensField,
            Origin = $"models file {path}, entry '{name}'",
            Retry = new RetryOptions
            {
                MaxRetries = r.MaxRetries ?? defaults.MaxRetries,
                BaseDelay = Seconds(r.BaseDelaySeconds, where, "base_delay_seconds", 0, 3600) ?? defaults.BaseDelay,
                MaxDelay = Seconds(r.MaxDelaySeconds, where, "max_delay_seconds", 0, 3600) ?? defaults.MaxDelay,
                MaxRetryAfter = Seconds(r.MaxRetryAfterSeconds, where, "max_retry_after_seconds", 0, 86400) ?? defaults.MaxRetryAfter,
                RequestTimeout = Seconds(r.TimeoutSeconds, where, "timeout_seconds", 0.01, 86400) ?? defaults.RequestTimeout,
                GiveUpAfter = Seconds(r.GiveUpAfterSeconds, where, "give_up_after_seconds", 0.01, 86400) ?? defaults.GiveUpAfter,
            },
        };
    }

    // YamlDotNet names our private types; say what the user wrote and what is allowed instead.
    private static string Friendly(string message)
    {
        if (message.Contains("Duplicate key", StringComparison.OrdinalIgnoreCase)) return $"{message.TrimEnd('.')}; each key may appear once";
        if (message.Contains("System.", StringComparison.Ordinal) || message.Contains("MmSafe.", StringComparison.Ordinal))
            return "this value has the wrong shape (a list or a single value where a map of fields is expected, or the reverse); see the models-file example in the README";
        return message;
    }


    private static TimeSpan? Seconds(double? value, string where, string field, double min, double max) =>
        value is null ? null
        : value >= min && value <= max ? TimeSpan.FromSeconds(value.Value)
        : throw new InputException(FormattableString.Invariant($"{where}: retry.{field} is {value}; expected a number of seconds from {min} to {max}."));

    private static string? OneOf(string? value, string where, string field, params string[] allowed) =>
        value is null ? null
        : allowed.FirstOrDefault(a => a.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InputException($"{where}: {field} '{value}' is not valid; expected {string.Join(", ", allowed[..^1])} or {allowed[^1]}.");

    private static T Parse<T>(string? value, T fallback, string where, string field, string expected) where T : struct, Enum =>
        value is null ? fallback
        : Enum.TryParse<T>(value, ignoreCase: true, out var parsed) ? parsed
        : throw new InputException($"{where}: {field} '{value}' is not valid; expected {expected}.");

    private sealed class Document
    {
        public Dictionary<string, Entry>? Models { get; set; }

        public List<string>? Judges { get; set; }
    }

    private sealed class Entry
    {
        public string? Provider { get; set; }
        public string? Model { get; set; }
        public string? BaseUrl { get; set; }
        public List<string>? BaseUrls { get; set; }
        public string? ApiKeyEnv { get; set; }
        public int? Concurrency { get; set; }
        public int? RequestsPerMinute { get; set; }
        public string? Choices { get; set; }
        public string? StructuredOutput { get; set; }
        public string? ImageDetail { get; set; }
        public string? MaxTokensField { get; set; }
        // A map, not typed fields: a parameter set to null must differ from one left out (ModelEntryFields).
        public Dictionary<string, object?>? Parameters { get; set; }
        public RetryEntry? Retry { get; set; }
        public bool? Reasoning { get; set; }
        public string? Verbosity { get; set; }
        public bool? EnableThinking { get; set; }
        public Dictionary<string, object?>? ExtraBody { get; set; }
    }

    private sealed class RetryEntry
    {
        public int? MaxRetries { get; set; }
        public double? BaseDelaySeconds { get; set; }
        public double? MaxDelaySeconds { get; set; }
        public double? MaxRetryAfterSeconds { get; set; }
        public double? TimeoutSeconds { get; set; }
        public double? GiveUpAfterSeconds { get; set; }
    }
}
