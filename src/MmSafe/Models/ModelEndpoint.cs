namespace MmSafe.Models;

/// <summary>Where and how to reach one model. The key itself is held here, read from
/// <see cref="ApiKeyEnv"/>; only the variable's name is ever shown or stored.</summary>
public sealed record ModelEndpoint(string Model, Uri BaseUrl, string ApiKeyEnv, string? ApiKey)
{
    /// <summary>"max_tokens" (most self-hosted servers) or "max_completion_tokens" (OpenAI's newer name).</summary>
    public string MaxTokensField { get; init; } = "max_tokens";

    /// <summary>Sent with every image part when set: "low", "high" or "auto".</summary>
    public string? ImageDetail { get; init; }

    /// <summary>Provider-specific fields added to every request body as written (<see cref="ModelSpec.ExtraBody"/>), or null.</summary>
    public string? ExtraBody { get; init; }

    /// <summary>The flag a user passes to name the key's variable ("--api-key-env" or "--judge-api-key-env").</summary>
    public string KeyFlag { get; init; } = "--api-key-env";

    /// <summary>Where the model was configured, for messages ("models file models.yaml, entry 'gpt5'"); null: on the command line.</summary>
    public string? Origin { get; init; }

    /// <summary>
    /// The prefix of the flags that set this model, read from <see cref="KeyFlag"/> in this one place: "--" (the target),
    /// "--judge-" or "--captioner-"; null when no flag sets it (the models of an evaluation file).
    /// </summary>
    public string? FlagPrefix => KeyFlag.StartsWith("--", StringComparison.Ordinal) && KeyFlag.EndsWith("api-key-env", StringComparison.Ordinal)
        ? KeyFlag[..^"api-key-env".Length] : null;

    /// <summary>"target", "judge" or "captioner" when the flags tell it; null otherwise.</summary>
    public string? Role => FlagPrefix switch { "--" => "target", "--judge-" => "judge", "--captioner-" => "captioner", _ => null };

    /// <summary>The chat-completions URL requests go to, for messages about a wrong URL.</summary>
    public string CompletionsUrl => BaseUrl.ToString().TrimEnd('/') + "/chat/completions";
}
