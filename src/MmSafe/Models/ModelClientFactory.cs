using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MmSafe.Models.Middleware;
using MmSafe.Models.Providers;

namespace MmSafe.Models;

/// <summary>
/// Builds the client stack for a model, the same for targets and judges:
/// logging → concurrency limit → accounting → structured-output fallback → retry (with a per-attempt timeout) →
/// key redaction of replies → [replica balancing] → per-endpoint limits (requests per minute, Retry-After pause) → provider, composed with <see cref="ChatClientBuilder"/>. Answers already paid for are
/// reused by the run pipeline through <see cref="Middleware.ResponseCache"/>, keyed by the request identity.
/// </summary>
/// <param name="telemetrySource">When set, every request attempt is an OpenTelemetry GenAI span on this ActivitySource
/// (Microsoft.Extensions.AI's <c>UseOpenTelemetry</c>; message contents are not recorded).</param>
public sealed class ModelClientFactory(HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null, Func<string, string?>? environment = null,
    RetryNotices? notices = null, string? telemetrySource = null)
{
    private readonly HttpClient _http = httpClient ?? CreateHttpClient();
    private readonly ILoggerFactory _loggers = loggerFactory ?? NullLoggerFactory.Instance;
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;
    private readonly Dictionary<string, SemaphoreSlim> _slotsByEndpoint = new(StringComparer.Ordinal);

    /// <summary>One connection pool for all models; timeouts are per request, not per client.</summary>
    public static HttpClient CreateHttpClient()
    {
        HttpMessageHandler handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.All,
        };
        if (Diagnostics.PhaseTrace.IsEnabled) handler = new TracedHandler(handler);
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    // MMSAFE_TRACE=1: when the first request reaches the HTTP stack, and when its response headers arrive.
    private sealed class TracedHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Diagnostics.PhaseTrace.MarkOnce("first request handed to HTTP");
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Diagnostics.PhaseTrace.MarkOnce("first response headers");
            return response;
        }
    }

    public ModelClient Create(ModelSpec spec)
    {
        CheckKey(spec, _environment);
        var endpoint = Endpoint(spec, spec.Provider == ProviderKind.Mock ? null : _environment(spec.ApiKeyEnv));
        // Each endpoint (each replica) has its own requests-per-minute bucket and its own Retry-After pause.
        // And its own circuit breaker, shared with every model on the same endpoint.
        IChatClient Limited(IChatClient server, Uri url) => new CircuitBreakingChatClient(
            new EndpointLimitingChatClient(server, spec.RequestsPerMinute is > 0 and var rpm ? EndpointLimitingChatClient.PerMinute(rpm) : null),
            Breaker(url, spec));
        IChatClient provider = spec.Provider switch
        {
            ProviderKind.Mock => new MockChatClient(spec.Model),
            ProviderKind.Anthropic => Limited(AnthropicProvider.Create(spec, endpoint, _http), endpoint.BaseUrl),
            _ when spec.Replicas.Count > 0 => new BalancingChatClient(
                [Limited(new OpenAICompatibleChatClient(endpoint, _http), endpoint.BaseUrl), .. spec.Replicas.Select(url => Limited(new OpenAICompatibleChatClient(endpoint with { BaseUrl = url }, _http), url))]),
            _ => Limited(new OpenAICompatibleChatClient(endpoint, _http), endpoint.BaseUrl),
        };
        var logger = _loggers.CreateLogger("MmSafe.Models");
        var ledger = new UsageLedger(spec.Name);
        var slots = Slots(spec.Provider == ProviderKind.Mock ? $"mock:{spec.Model}" : endpoint.BaseUrl.ToString(), spec.Concurrency);
        StructuredOutputFallbackChatClient? structured = null;
        // Outermost first: each Use wraps everything listed after it.
        var builder = new ChatClientBuilder(provider)
            .Use(inner => new Middleware.LoggingChatClient(inner, logger, spec.Name, endpoint.ApiKey))
            .Use(inner => new ConcurrencyLimitingChatClient(inner, slots))
            .Use(inner => new AccountingChatClient(inner, ledger))
            .Use(inner => structured = new StructuredOutputFallbackChatClient(inner, spec.Provider == ProviderKind.Anthropic ? StructuredOutputMode.Off : spec.StructuredOutput))
            .Use(inner => new RetryingChatClient(inner, spec.Retry, detail =>
            {
                Middleware.LoggingChatClient.Retrying(logger, spec.Name, detail, endpoint.ApiKey);
                notices?.Record(spec.Name, Secrets.Redact(detail, endpoint.ApiKey));
            }))
            .Use(inner => new RedactingChatClient(inner, endpoint.ApiKey));
        if (telemetrySource is not null) builder.UseOpenTelemetry(sourceName: telemetrySource, configure: c => c.EnableSensitiveData = false);
        var client = builder.Build();
        return new ModelClient(spec, client, ledger, structured!, Batches.BatchApi.For(spec, endpoint, _http));
    }

    /// <summary>Where <paramref name="spec"/> is reached and what its writer needs (token field, image detail, extra body), with <paramref name="key"/> (null for a preview).</summary>
    public static ModelEndpoint Endpoint(ModelSpec spec, string? key) => new(spec.Model, spec.EffectiveBaseUrl, spec.ApiKeyEnv, key)
    {
        ImageDetail = spec.ImageDetail,
        MaxTokensField = spec.EffectiveMaxTokensField,
        KeyFlag = spec.KeyFlag,
        ExtraBody = spec.ExtraBody,
        Origin = spec.Origin,
    };

    /// <summary>
    /// OpenAI's and Anthropic's own APIs answer nothing without a key: with its variable unset, stop before anything is
    /// sent, naming the variable and the flag that names it. Any other endpoint (a local server) may need no key at all.
    /// </summary>
    /// <exception cref="InputException">The model goes to api.openai.com or api.anthropic.com and its key's variable is unset or empty.</exception>
    public static void CheckKey(ModelSpec spec, Func<string, string?>? environment = null)
    {
        if (spec.Provider == ProviderKind.Mock || spec.EffectiveBaseUrl.Host is not (OpenAIHost or AnthropicHost)) return;
        if (!string.IsNullOrEmpty((environment ?? Environment.GetEnvironmentVariable)(spec.ApiKeyEnv))) return;
        string owner = spec.EffectiveBaseUrl.Host == OpenAIHost ? "OpenAI's" : "Anthropic's";
        throw new InputException($"{spec.Name}: ${spec.ApiKeyEnv} is not set, and {spec.Model} at {spec.EffectiveBaseUrl} ({owner} API) needs a key; nothing was sent. " +
            $"Set {spec.ApiKeyEnv} to your key, or name the variable that holds it with {spec.KeyFlag}.");
    }

    private const string OpenAIHost = "api.openai.com";
    private const string AnthropicHost = "api.anthropic.com";

    private readonly Dictionary<string, EndpointBreaker> _breakers = new(StringComparer.Ordinal);

    private EndpointBreaker Breaker(Uri url, ModelSpec spec)
    {
        lock (_breakers)
        {
            var key = url.ToString();
            if (!_breakers.TryGetValue(key, out var breaker))
                _breakers[key] = breaker = new EndpointBreaker($"{spec.Model} at {key}", Math.Clamp(spec.Concurrency, 1, 8), spec.Retry.RequestTimeout, spec.Retry.GiveUpAfter);
            return breaker;
        }
    }

    // Target and judge on the same endpoint share its limit.
    private SemaphoreSlim Slots(string key, int concurrency)
    {
        lock (_slotsByEndpoint)
        {
            if (!_slotsByEndpoint.TryGetValue(key, out var slots))
                _slotsByEndpoint[key] = slots = new SemaphoreSlim(Math.Max(1, concurrency));
            return slots;
        }
    }
}
