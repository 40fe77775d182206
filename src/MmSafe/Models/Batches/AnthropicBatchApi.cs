using System.Net.Http.Headers;
using System.Text.Json;

namespace MmSafe.Models.Batches;

/// <summary>
/// Anthropic's Message Batches: one request holding every message's parameters under its custom id, the batch's
/// processing status, and its results file (one line per request: succeeded, errored, cancelled or expired).
/// </summary>
public sealed class AnthropicBatchApi(ModelEndpoint endpoint, HttpClient http) : BatchApi(endpoint, http)
{
    public override int MaxRequests => 100_000;

    /// <summary>The max_tokens Anthropic requires when the protocol sets none.</summary>
    public int DefaultMaxTokens { get; init; } = Providers.AnthropicMessages.DefaultMaxTokens;

    // Message Batches keep no metadata: a batch whose id was never received cannot be found again by our submission id.
    public override BatchFile NewFile() => new RequestsFile(this);

    // {"requests": [{custom_id, params}, …]}, one request written at a time.
    private sealed class RequestsFile(AnthropicBatchApi api) : BatchFile
    {
        protected override async Task WriteAsync(BatchRequest r, bool first, CancellationToken cancellationToken)
        {
            await Writer.WriteAsync(first ? "{\"requests\":["u8.ToArray() : ","u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await using var w = new Utf8JsonWriter(Writer);
            api.WriteRequest(w, r);
            await w.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        protected override Task EndAsync(CancellationToken cancellationToken) => Writer.WriteAsync("]}"u8.ToArray(), cancellationToken).AsTask();
    }

    public override async Task<string> SubmitAsync(BatchFile file, string submission, CancellationToken cancellationToken)
    {
        var open = await file.CloseAsync(cancellationToken).ConfigureAwait(false);
        var created = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Url("v1/messages/batches"))
        {
            Content = new StreamContent(open()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        }, cancellationToken, retry: false).ConfigureAwait(false);
        using var json = JsonDocument.Parse(created);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private void WriteRequest(Utf8JsonWriter w, BatchRequest r)
    {
        w.WriteStartObject();
        w.WriteString("custom_id", r.CustomId);
        w.WriteStartObject("params");
        Providers.AnthropicMessages.WriteFields(w, Endpoint.Model, r.Messages, r.Options, DefaultMaxTokens, Endpoint.ExtraBody);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public override async Task<BatchState> PollAsync(string id, CancellationToken cancellationToken)
    {
        var body = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url($"v1/messages/batches/{Uri.EscapeDataString(id)}")), cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var status = root.GetProperty("processing_status").GetString() ?? "unknown";
        var results = root.TryGetProperty("results_url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        return new BatchState(id, status == "ended", status, results);
    }

    public override async Task<IReadOnlyList<BatchOutcome>> ResultsAsync(BatchState state, CancellationToken cancellationToken)
    {
        if (state.Results is null) return [];
        var text = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(state.Results)), cancellationToken).ConfigureAwait(false);
        return [.. ReadLines(text, ReadLine)];
    }

    // {"custom_id": …, "result": {"type": "succeeded", "message": {content, stop_reason, usage}} | {"type": "errored", "error": …} | canceled | expired}
    private BatchOutcome ReadLine(string id, JsonElement root)
    {
        var result = root.GetProperty("result");
        var type = result.GetProperty("type").GetString();
        if (type == "errored" && result.TryGetProperty("error", out var refusal) && Providers.HttpErrors.FromStatus(400, refusal.GetRawText(), null, Endpoint) is { Kind: ModelErrorKind.RefusedParameter } refused)
            return new BatchOutcome(id, null, $"the batch request errored: {refused.Message}");
        if (type != "succeeded")
            return new BatchOutcome(id, null, $"the batch request {type}{(result.TryGetProperty("error", out var e) ? ": " + Providers.HttpErrors.ErrorMessage(e.GetRawText()) : "")}");
        var response = Providers.AnthropicMessages.Read(result.GetProperty("message"));
        return new BatchOutcome(id, Completion.FromResponse(response, TimeSpan.Zero)[0], null);
    }

    protected override void Authorize(HttpRequestHeaders headers)
    {
        if (Endpoint.ApiKey is { } key) headers.Add("x-api-key", key);
        headers.Add("anthropic-version", Providers.AnthropicMessages.Version);
    }
}
