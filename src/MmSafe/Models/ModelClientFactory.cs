using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MmSafe.Models.Middleware;
using MmSafe.Models.Providers;

namespace MmSafe.Models;

/// <summary>
/// Builds the client stack for a model, the same for targets and judges:
/// logging → response cache (when given) → accounting → concurrency limit → structured-output fallback → retry (with a
/// per-attempt timeout) → requests-per-minute limit → provider.
/// </summary>
public sealed class ModelClientFactory(HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null, Func<string, string?>? environment = null,
    ResponseCache? cache = null)
{
    private readonly HttpClient _http = httpClient ?? CreateHttpClient();
    private readonly ILoggerFactory _loggers = loggerFactory ?? NullLoggerFactory.Instance;
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;
    private readonly Dictionary<string, SemaphoreSlim> _slotsByEndpoint = new(StringComparer.Ordinal);

    /// <summary>One connection pool for all models; timeouts are per request, not per client.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.All,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public ModelClient Create(ModelSpec spec)
    {
        var endpoint = new ModelEndpoint(spec.Model, spec.EffectiveBaseUrl, spec.ApiKeyEnv, spec.Provider == ProviderKind.Mock ? null : _environment(spec.ApiKeyEnv))
        {
            ImageDetail = spec.ImageDetail,
            MaxTokensField = spec.MaxTokensField ?? (spec.EffectiveBaseUrl.Host == "api.openai.com" ? "max_completion_tokens" : "max_tokens"),
        };
        IChatClient client = spec.Provider switch
        {
            ProviderKind.Mock => new MockChatClient(spec.Model),
            ProviderKind.Anthropic => AnthropicProvider.Create(spec, endpoint, _http),
            _ => new OpenAICompatibleChatClient(endpoint, _http),
        };
        var logger = _loggers.CreateLogger("MmSafe.Models");
        if (spec.RequestsPerMinute is > 0 and var rpm) client = new RateLimitingChatClient(client, RateLimitingChatClient.PerMinute(rpm));
        client = new RetryingChatClient(client, spec.Retry, detail => LoggingChatClient.Retrying(logger, spec.Name, detail, endpoint.ApiKey));
        var structured = new StructuredOutputFallbackChatClient(client, spec.StructuredOutput);
        client = new ConcurrencyLimitingChatClient(structured, Slots(spec.Provider == ProviderKind.Mock ? $"mock:{spec.Model}" : endpoint.BaseUrl.ToString(), spec.Concurrency));
        var ledger = new UsageLedger(spec.Name);
        client = new AccountingChatClient(client, ledger);
        if (cache is not null && spec.Provider != ProviderKind.Mock)
            client = new CachingChatClient(client, cache, $"{spec.Provider}|{endpoint.BaseUrl}|{spec.Model}|{endpoint.MaxTokensField}|{endpoint.ImageDetail}");
        client = new LoggingChatClient(client, logger, spec.Name, endpoint.ApiKey);
        return new ModelClient(spec, client, ledger, structured);
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
