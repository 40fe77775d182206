using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Batches;

/// <summary>
/// Anthropic's Message Batches: one request holding every message's parameters under its custom id, the batch's
/// processing status, and its results file (one line per request: succeeded, errored, cancelled or expired).
/// </summary>
public sealed class AnthropicBatchApi(ModelEndpoint endpoint, HttpClient http) : BatchApi(endpoint, http)
{
    private const string Version = "2023-06-01";

    public override int MaxRequests => 100_000;

    /// <summary>The max_tokens Anthropic requires when the protocol sets none.</summary>
    public int DefaultMaxTokens { get; init; } = 1024;

    // Message Batches keep no metadata: a batch whose id was never received cannot be found again by our submission id.
    public override async Task<string> SubmitAsync(IReadOnlyList<BatchRequest> requests, string submission, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("requests");
            foreach (var r in requests) WriteRequest(w, r);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var bytes = buffer.ToArray();
        var created = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Url("v1/messages/batches"))
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        }, cancellationToken, retry: false).ConfigureAwait(false);
        using var json = JsonDocument.Parse(created);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private void WriteRequest(Utf8JsonWriter w, BatchRequest r)
    {
        w.WriteStartObject();
        w.WriteString("custom_id", r.CustomId);
        w.WriteStartObject("params");
        w.WriteString("model", Endpoint.Model);
        w.WriteNumber("max_tokens", r.Options.MaxOutputTokens ?? DefaultMaxTokens);
        if (r.Options.Temperature is { } t) w.WriteNumber("temperature", t);
        if (r.Options.TopP is { } p) w.WriteNumber("top_p", p);
        var system = string.Join("\n", r.Messages.Where(m => m.Role == ChatRole.System).Select(m => m.Text));
        if (system.Length > 0) w.WriteString("system", system);
        w.WriteStartArray("messages");
        foreach (var message in r.Messages.Where(m => m.Role != ChatRole.System))
        {
            w.WriteStartObject();
            w.WriteString("role", message.Role == ChatRole.Assistant ? "assistant" : "user");
            w.WriteStartArray("content");
            foreach (var content in message.Contents)
            {
                w.WriteStartObject();
                if (content is DataContent data && data.HasTopLevelMediaType("image"))
                {
                    w.WriteString("type", "image");
                    w.WriteStartObject("source");
                    w.WriteString("type", "base64");
                    w.WriteString("media_type", data.MediaType);
                    w.WriteBase64String("data", data.Data.Span);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteString("type", "text");
                    w.WriteString("text", content is TextContent text ? text.Text : "");
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
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
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ReadLine)];
    }

    // {"custom_id": …, "result": {"type": "succeeded", "message": {content, stop_reason, usage}} | {"type": "errored", "error": …} | canceled | expired}
    private static BatchOutcome ReadLine(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var id = root.GetProperty("custom_id").GetString()!;
        var result = root.GetProperty("result");
        var type = result.GetProperty("type").GetString();
        if (type != "succeeded")
            return new BatchOutcome(id, null, $"the batch request {type}{(result.TryGetProperty("error", out var e) ? ": " + Providers.HttpErrors.ErrorMessage(e.GetRawText()) : "")}");
        var message = result.GetProperty("message");
        var text = string.Concat(message.GetProperty("content").EnumerateArray()
            .Where(c => c.GetProperty("type").GetString() == "text").Select(c => c.GetProperty("text").GetString()));
        var stop = message.TryGetProperty("stop_reason", out var s) ? s.GetString() : null;
        var reason = stop switch { "max_tokens" => "length", "refusal" => "content_filter", null => null, _ => "stop" };
        long? Tokens(string name) => message.TryGetProperty("usage", out var u) && u.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : null;
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text) { AdditionalProperties = new() { [Completion.FinishReasonKey] = reason } })
        {
            Usage = new UsageDetails { InputTokenCount = Tokens("input_tokens"), OutputTokenCount = Tokens("output_tokens") },
        };
        return new BatchOutcome(id, Completion.FromResponse(response, TimeSpan.Zero)[0], null);
    }

    protected override void Authorize(HttpRequestHeaders headers)
    {
        if (Endpoint.ApiKey is { } key) headers.Add("x-api-key", key);
        headers.Add("anthropic-version", Version);
    }
}
