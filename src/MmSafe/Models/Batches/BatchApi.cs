using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using MmSafe.Models.Providers;
using Polly;
using Polly.Retry;

namespace MmSafe.Models.Batches;

/// <summary>One request of a batch: our id for it, and the messages and options it is sent with.</summary>
public sealed record BatchRequest(string CustomId, IReadOnlyList<ChatMessage> Messages, ChatOptions Options)
{
    /// <summary>About how many bytes the request takes in the batch file (images as base64), to split batches under the provider's limit.</summary>
    public long EstimatedBytes => 1024 + Messages.Sum(m => m.Contents.Sum(c => c switch
    {
        TextContent t => (long)t.Text.Length * 2,
        DataContent d => d.Data.Length * 4L / 3 + 64,
        _ => 0,
    }));
}

/// <summary>Where a batch is: ended (completed, expired, cancelled or failed) or not, the provider's status word, and where its results are.</summary>
public sealed record BatchState(string Id, bool Ended, string Status, string? Results, string? Errors = null);

/// <summary>One request's result: its completion, or why there is none.</summary>
public sealed record BatchOutcome(string CustomId, Completion? Completion, string? Error);

/// <summary>
/// A provider's batch API: submit many requests at once (about half the price, a separate quota), ask how the batch
/// is doing, read its results. HTTP is sent with the shared client; transient failures (429, 5xx, dropped connections)
/// are retried with backoff, and the key goes only into the request headers.
/// </summary>
public abstract class BatchApi(ModelEndpoint endpoint, HttpClient http)
{
    protected ModelEndpoint Endpoint => endpoint;

    /// <summary>Requests per batch the provider accepts.</summary>
    public abstract int MaxRequests { get; }

    /// <summary>Bytes per batch to stay under, with room to spare.</summary>
    public virtual long MaxBytes => 150L * 1024 * 1024;

    /// <summary>An empty batch in this provider's file format, filled with <see cref="BatchFile.AddAsync"/>.</summary>
    public abstract BatchFile NewFile();

    /// <param name="submission">Our id for this submission, sent with the batch where the provider keeps one, so that
    /// <see cref="FindAsync"/> can find a batch whose id was never received or recorded.</param>
    public abstract Task<string> SubmitAsync(BatchFile file, string submission, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="requests"/> into a new file and submits it.</summary>
    public async Task<string> SubmitAsync(IReadOnlyList<BatchRequest> requests, string submission, CancellationToken cancellationToken)
    {
        using var file = NewFile();
        foreach (var r in requests) await file.AddAsync(r, cancellationToken).ConfigureAwait(false);
        return await SubmitAsync(file, submission, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The batch made by <paramref name="submission"/>, if the provider can say (null: none, or it cannot tell).</summary>
    public virtual Task<string?> FindAsync(string submission, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>True when <see cref="FindAsync"/> can find a batch by its submission.</summary>
    public virtual bool CanFind => false;

    public abstract Task<BatchState> PollAsync(string id, CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<BatchOutcome>> ResultsAsync(BatchState state, CancellationToken cancellationToken);

    /// <summary>
    /// The outcomes of a results file, one JSON line each, read by <paramref name="read"/> from the line's custom id and
    /// object. A line that is not a JSON object with a custom id answers nothing (its request, left without a result, is
    /// asked again one at a time); a line whose custom id is readable but whose rest is not is that request's error.
    /// </summary>
    protected static IEnumerable<BatchOutcome> ReadLines(string text, Func<string, JsonElement, BatchOutcome> read)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                continue;
            }
            using (json)
            {
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("custom_id", out var custom) || custom.ValueKind != JsonValueKind.String) continue;
                var id = custom.GetString()!;
                BatchOutcome outcome;
                try
                {
                    outcome = read(id, root);
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or JsonException or FormatException)
                {
                    outcome = new BatchOutcome(id, null, "the batch's result line for this request could not be read");
                }
                yield return outcome;
            }
        }
    }

    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = new PredicateBuilder().Handle<ModelRequestException>(e => e.IsTransient),
        MaxRetryAttempts = 4,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = TimeSpan.FromSeconds(1),
    }).Build();

    /// <summary>Sends a request built afresh for each attempt; a non-2xx answer becomes a <see cref="ModelRequestException"/> naming what to fix.</summary>
    /// <param name="retry">False for a request that must not be repeated blindly (creating a batch: a repeat may pay twice).</param>
    protected async Task<string> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken, bool retry = true) =>
        await (retry ? Retry : ResiliencePipeline.Empty).ExecuteAsync(async token =>
        {
            using var request = build();
            Authorize(request.Headers);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw HttpErrors.Transport(endpoint, "connection failed", e);
            }
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode) return body;
                if (response.StatusCode == System.Net.HttpStatusCode.NotFound && !request.RequestUri!.AbsolutePath.Contains("/batches/", StringComparison.Ordinal))
                    throw new ModelRequestException(ModelErrorKind.NotFound, $"{endpoint.Model} at {endpoint.BaseUrl}: 404 Not Found for {request.RequestUri}: this endpoint has no batch API " +
                        "(OpenAI's /v1/files and /v1/batches, Anthropic's /v1/messages/batches); run without --batch, or point the model at a provider that has one.", 404);
                throw HttpErrors.FromStatus((int)response.StatusCode, Secrets.Redact(body, endpoint.ApiKey),
                    HttpErrors.RetryAfter(n => response.Headers.TryGetValues(n, out var v) ? v.FirstOrDefault() : null), endpoint, null);
            }
        }, cancellationToken).ConfigureAwait(false);

    protected abstract void Authorize(HttpRequestHeaders headers);

    /// <summary>A URL below the endpoint's base URL.</summary>
    protected Uri Url(string relative) => new(endpoint.BaseUrl.ToString().TrimEnd('/') + "/" + relative.TrimStart('/'));

    public static BatchApi? For(ModelSpec spec, ModelEndpoint endpoint, HttpClient http) => spec.Provider switch
    {
        ProviderKind.OpenAI => new OpenAIBatchApi(endpoint, http),
        ProviderKind.Anthropic => new AnthropicBatchApi(endpoint, http) { DefaultMaxTokens = spec.Defaults.MaxTokens ?? 1024 },
        _ => null,
    };
}
