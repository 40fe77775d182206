namespace MmSafe.Models;

/// <summary>Why a model request failed.</summary>
public enum ModelErrorKind
{
    /// <summary>408, 409, 429, 5xx, dropped connections, timeouts, malformed bodies: worth retrying.</summary>
    Transient,

    /// <summary>400: the request itself is wrong.</summary>
    BadRequest,

    /// <summary>401: the API key was rejected.</summary>
    Unauthorized,

    /// <summary>403: the key may not use this model.</summary>
    Forbidden,

    /// <summary>404: wrong base URL or model name.</summary>
    NotFound,

    /// <summary>Any other status that retrying cannot fix.</summary>
    Permanent,

    /// <summary>400 naming one parameter the endpoint refuses (<see cref="ModelRequestException.Parameter"/>): every request would fail alike. Stops the run.</summary>
    RefusedParameter,

    /// <summary>The endpoint went away: its circuit breaker opened after connection failures or timeouts with no answer. Stops the run.</summary>
    Unreachable,
}

/// <summary>
/// A model request that failed, with a message that says what to do. Messages never contain
/// an API key: they name the environment variable that holds it.
/// </summary>
public sealed class ModelRequestException(ModelErrorKind kind, string message, int? status = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public ModelErrorKind Kind { get; } = kind;

    /// <summary>The HTTP status, when there was a response.</summary>
    public int? Status { get; } = status;

    /// <summary>The server's Retry-After / retry-after-ms, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>For <see cref="ModelErrorKind.RefusedParameter"/>: the parameter refused ("temperature", "max_tokens", "response_format"…).</summary>
    public string? Parameter { get; init; }

    /// <summary>The name of the model whose request failed (its models-file entry or id), set by <see cref="ModelClient"/>; null when not known.</summary>
    public string? ModelName { get; internal set; }

    public bool IsTransient => Kind == ModelErrorKind.Transient;

    /// <summary>No connection was made, or it broke before a reply: a wrong URL or a server that is not running, as far as anyone can tell from here.</summary>
    public bool ConnectionFailed { get; init; }

    /// <summary>What a user checks when no connection could be made (or the endpoint stopped answering); empty for other errors.</summary>
    public string Advice => ConnectionFailed || Kind == ModelErrorKind.Unreachable
        ? "; check the base URL (--base-url, --judge-base-url, or base_url in the models file) and that the server is running and reachable from here"
        : "";

    /// <summary>Errors the user fixes by changing the configuration (key, URL, model name).</summary>
    public bool IsConfigurationError => Kind is ModelErrorKind.Unauthorized or ModelErrorKind.Forbidden or ModelErrorKind.NotFound;

    /// <summary>Errors that end the run instead of one request: a configuration error, or an endpoint that went away.</summary>
    public bool StopsTheRun => IsConfigurationError || Kind is ModelErrorKind.Unreachable or ModelErrorKind.RefusedParameter;
}
