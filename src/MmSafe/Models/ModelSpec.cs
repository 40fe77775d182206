using MmSafe.Models.Middleware;

namespace MmSafe.Models;

public enum ProviderKind
{
    /// <summary>Any OpenAI-compatible chat-completions endpoint.</summary>
    OpenAI,
    Anthropic,

    /// <summary>Deterministic canned answers, offline.</summary>
    Mock,
}

/// <summary>How to get n samples: the API's <c>n</c>, or n parallel single requests (for servers that ignore n).</summary>
public enum ChoicesMode
{
    Native,
    Parallel,
}

/// <summary>
/// Decoding parameters; null means "leave it to the server" (nothing is sent). As an override layer (a models file's
/// entry, the flags), null means "keep the value below", and <see cref="Unset"/> names the parameters to leave unset
/// even though a layer below sets them (a reasoning model refuses temperature 0, say).
/// </summary>
/// <param name="ReasoningEffort">OpenAI's <c>reasoning_effort</c> ("minimal", "low", "medium", "high"…); null sends none.</param>
/// <param name="ReasoningAllowance">Tokens allowed for hidden reasoning on top of <see cref="MaxTokens"/>, the answer's limit:
/// the token limit sent is their sum (Anthropic: a thinking budget of this size).</param>
/// <param name="Unset">Parameter names (<see cref="Names"/>) this layer leaves unset; only in override layers, never in effective values.</param>
public sealed record GenerationParameters(double? Temperature = null, double? TopP = null, int? MaxTokens = null,
    long? Seed = null, string? SystemPrompt = null, string? ReasoningEffort = null, int? ReasoningAllowance = null,
    IReadOnlyList<string>? Unset = null)
{
    /// <summary>The parameters a layer may leave unset, by the names used in flags, models files and messages.</summary>
    public static readonly IReadOnlyList<string> Names = ["temperature", "top_p", "max_tokens", "seed", "system_prompt", "reasoning_effort", "reasoning_allowance"];

    /// <summary>This set with every non-null value of <paramref name="overrides"/> on top, and its <see cref="Unset"/> names removed.</summary>
    public GenerationParameters With(GenerationParameters? overrides)
    {
        if (overrides is null) return this;
        bool Keep(string name) => overrides.Unset?.Contains(name) != true;
        return new(
            Keep("temperature") ? overrides.Temperature ?? Temperature : null,
            Keep("top_p") ? overrides.TopP ?? TopP : null,
            Keep("max_tokens") ? overrides.MaxTokens ?? MaxTokens : null,
            Keep("seed") ? overrides.Seed ?? Seed : null,
            Keep("system_prompt") ? overrides.SystemPrompt ?? SystemPrompt : null,
            Keep("reasoning_effort") ? overrides.ReasoningEffort ?? ReasoningEffort : null,
            Keep("reasoning_allowance") ? overrides.ReasoningAllowance ?? ReasoningAllowance : null);
    }

    /// <summary>The token limit sent: the answer's limit plus the reasoning allowance (null when no limit is set).</summary>
    /// <remarks>Derived, so never written (specs, differences, notes); a spec.json written while it was still read back loads as before.</remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public int? SentMaxTokens => MaxTokens is { } answer ? answer + (ReasoningAllowance ?? 0) : null;
}

/// <summary>Everything needed to reach and drive one model. Holds the key's variable name, never the key.</summary>
public sealed record ModelSpec(string Name, ProviderKind Provider, string Model)
{
    public const string OpenAIBaseUrl = "https://api.openai.com/v1";

    public Uri? BaseUrl { get; init; }

    /// <summary>Replicas of the same model beside <see cref="BaseUrl"/>; requests are balanced over all of them.</summary>
    public IReadOnlyList<Uri> Replicas { get; init; } = [];

    public string ApiKeyEnv { get; init; } = "OPENAI_API_KEY";

    public GenerationParameters Defaults { get; init; } = new();

    /// <summary>Requests in flight at once to this endpoint.</summary>
    public int Concurrency { get; init; } = 8;

    public int? RequestsPerMinute { get; init; }

    public ChoicesMode Choices { get; init; } = ChoicesMode.Parallel;

    public StructuredOutputMode StructuredOutput { get; init; } = StructuredOutputMode.Auto;

    /// <summary>"low", "high" or "auto"; null sends none.</summary>
    public string? ImageDetail { get; init; }

    /// <summary>"max_tokens" or "max_completion_tokens"; by default the latter for api.openai.com only.</summary>
    public string? MaxTokensField { get; init; }

    public RetryOptions Retry { get; init; } = new();

    /// <summary>Send this model's requests through its provider's batch API (OpenAI Batch API, Anthropic Message Batches).</summary>
    public bool Batch { get; init; }

    /// <summary>
    /// Provider-specific fields added to every request body as written (a JSON object, compact): <c>verbosity</c>,
    /// vLLM's <c>chat_template_kwargs</c>, Anthropic's <c>thinking</c>… Part of the recorded settings and of the request identity.
    /// </summary>
    public string? ExtraBody { get; init; }

    /// <summary>The models file says this model reasons (hidden reasoning tokens count against the token limit); null: not said.</summary>
    public bool? Reasoning { get; init; }

    /// <summary>The flag that names the key's variable for this model's role, for messages ("--api-key-env", "--judge-api-key-env").</summary>
    public string KeyFlag { get; init; } = "--api-key-env";

    /// <summary>Where the model was configured, for messages that say which line to change ("models file models.yaml, entry 'gpt5'"); null: on the command line.</summary>
    public string? Origin { get; init; }

    /// <summary>Whether <paramref name="name"/> can name an environment variable (as shells write them): letters, digits and _, not starting with a digit.</summary>
    public static bool IsVariableName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>The token-limit field actually sent.</summary>
    public string EffectiveMaxTokensField => MaxTokensField ?? (EffectiveBaseUrl.Host == "api.openai.com" ? "max_completion_tokens" : "max_tokens");

    public Uri EffectiveBaseUrl => BaseUrl ?? new Uri(Provider == ProviderKind.Anthropic ? "https://api.anthropic.com" : OpenAIBaseUrl);

    /// <summary>A spec for <c>--model NAME</c> alone: "mock" is the mock model, anything else an OpenAI-compatible model.</summary>
    public static ModelSpec Adhoc(string model, Uri? baseUrl = null, string? apiKeyEnv = null) =>
        model.Equals("mock", StringComparison.OrdinalIgnoreCase) || model.StartsWith("mock/", StringComparison.OrdinalIgnoreCase)
            ? new ModelSpec(model, ProviderKind.Mock, model) { Choices = ChoicesMode.Native }
            : new ModelSpec(model, ProviderKind.OpenAI, model)
            {
                BaseUrl = baseUrl, ApiKeyEnv = apiKeyEnv ?? "OPENAI_API_KEY", Choices = DefaultChoices(ProviderKind.OpenAI, baseUrl),
            };

    /// <summary>OpenAI's own API honours <c>n</c> (input tokens are paid once); other servers may ignore it, so they get parallel requests.</summary>
    public static ChoicesMode DefaultChoices(ProviderKind provider, Uri? baseUrl) =>
        provider == ProviderKind.OpenAI && (baseUrl is null || baseUrl.Host == "api.openai.com") ? ChoicesMode.Native : ChoicesMode.Parallel;
}
