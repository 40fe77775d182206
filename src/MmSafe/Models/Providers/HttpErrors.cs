using System.Text.Json;

namespace MmSafe.Models.Providers;

/// <summary>Turns an HTTP error from any provider into a <see cref="ModelRequestException"/> that says what to do.</summary>
public static class HttpErrors
{
    public static ModelRequestException FromStatus(int status, string? body, TimeSpan? retryAfter, ModelEndpoint endpoint, Exception? inner = null)
    {
        var detail = Secrets.Redact(Describe(body), endpoint.ApiKey);
        string who = $"{endpoint.Model} at {endpoint.BaseUrl}";
        return status switch
        {
            401 => new(ModelErrorKind.Unauthorized, $"{who}: 401 Unauthorized: the API key in ${endpoint.ApiKeyEnv} was rejected{(endpoint.ApiKey is null ? " (the variable is not set)" : "")}. Set {endpoint.ApiKeyEnv} to a valid key, or pass {endpoint.KeyFlag} with the variable that holds it.{detail}", status, inner: inner),
            403 => new(ModelErrorKind.Forbidden, $"{who}: 403 Forbidden: the key in ${endpoint.ApiKeyEnv} may not use model '{endpoint.Model}'. Check the key's project and model access.{detail}", status, inner: inner),
            404 => new(ModelErrorKind.NotFound, $"{who}: 404 Not Found for {endpoint.CompletionsUrl}: check --base-url (it should end in /v1 for OpenAI-compatible servers) and the model name '{endpoint.Model}'.{detail}", status, inner: inner),
            400 when RefusedParameters.Find(body) is { } parameter => new(ModelErrorKind.RefusedParameter,
                $"{Role(endpoint)}{who}{(endpoint.Origin is { } origin ? $" ({origin})" : "")}: 400: the endpoint refuses the parameter '{parameter}'; " +
                $"{RefusedParameters.Advice(parameter, ErrorMessage(body), endpoint)}.{detail}", status, inner: inner) { Parameter = parameter },
            400 => new(ModelErrorKind.BadRequest, $"{who}: 400 Bad Request: the server rejected the request.{detail}", status, inner: inner),
            408 or 409 or 429 or >= 500 => new(ModelErrorKind.Transient, $"{who}: HTTP {status}.{detail}", status, retryAfter, inner),
            _ => new(ModelErrorKind.Permanent, $"{who}: HTTP {status}.{detail}", status, inner: inner),
        };
    }

    // The role, where the key flag tells it: a refused parameter is fixed by the role's own flag.
    private static string Role(ModelEndpoint endpoint) => endpoint.Role is { } role ? role + " " : "";

    public static ModelRequestException Transport(ModelEndpoint endpoint, string what, Exception inner) =>
        new(ModelErrorKind.Transient, Secrets.Redact($"{endpoint.Model} at {endpoint.BaseUrl}: {what}: {inner.Message}", endpoint.ApiKey), inner: inner)
        {
            ConnectionFailed = what.StartsWith("connection", StringComparison.Ordinal),
        };

    /// <summary>A 200 reply that is not a chat-completions body: said in words (what it begins with), not in the parser's.</summary>
    public static ModelRequestException Malformed(ModelEndpoint endpoint, string body, Exception inner)
    {
        var flat = string.Join(' ', body.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        string start = flat.Length > 60 ? flat[..60] + "…" : flat;
        string what = inner is JsonException
            ? $"malformed response body: the reply is not JSON (it begins \"{start}\"{(flat.StartsWith('<') ? ", an HTML page" : "")}); check that the base URL is the API's (OpenAI-compatible servers answer under /v1)"
            : $"malformed response body: the JSON reply is not a chat completion (no 'choices'; it begins \"{start}\"); check that the base URL is the API's";
        return new(ModelErrorKind.Transient, Secrets.Redact($"{endpoint.Model} at {endpoint.BaseUrl}: {what}", endpoint.ApiKey), inner: inner);
    }

    /// <summary>True for a provider's content-policy rejection (OpenAI: code content_policy_violation / content_filter).</summary>
    public static bool IsContentPolicy(int status, string? body) =>
        status == 400 && body is not null &&
        (body.Contains("content_policy_violation", StringComparison.OrdinalIgnoreCase) || body.Contains("\"content_filter\"", StringComparison.OrdinalIgnoreCase));

    /// <summary>The server's error message: <c>error.message</c> from a JSON body, else the start of the body.</summary>
    public static string? ErrorMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error))
                return error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) ? m.ToString() : error.ToString();
        }
        catch (JsonException)
        {
        }
        var flat = string.Join(' ', body.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return flat.Length > 200 ? flat[..200] + "…" : flat;
    }

    private static string Describe(string? body) => ErrorMessage(body) is { } message ? $" Server said: {message}" : "";

    /// <summary>Reads <c>retry-after-ms</c>, then <c>Retry-After</c> (seconds or an HTTP date).</summary>
    public static TimeSpan? RetryAfter(Func<string, string?> header)
    {
        if (double.TryParse(header("retry-after-ms"), System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms >= 0)
            return TimeSpan.FromMilliseconds(ms);
        var value = header("retry-after");
        if (double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date))
            return date > DateTimeOffset.UtcNow ? date - DateTimeOffset.UtcNow : TimeSpan.Zero;
        return null;
    }
}
