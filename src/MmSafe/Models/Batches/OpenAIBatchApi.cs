using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MmSafe.Models.Providers;

namespace MmSafe.Models.Batches;

/// <summary>
/// OpenAI's Batch API: the requests as a JSONL file (each line a chat-completions body, written by the same writer as a
/// single request, images base64-encoded as they are written) uploaded with purpose "batch", a batch over it with a
/// 24-hour window, its status, and its output and error files read back by custom id.
/// </summary>
public sealed class OpenAIBatchApi(ModelEndpoint endpoint, HttpClient http) : BatchApi(endpoint, http)
{
    public override int MaxRequests => 50_000;

    public override bool CanFind => true;

    public override BatchFile NewFile() => new JsonlFile(Endpoint);

    // Each line is the body a single request would have, written by the same writer.
    private sealed class JsonlFile(ModelEndpoint endpoint) : BatchFile
    {
        protected override async Task WriteAsync(BatchRequest r, bool first, CancellationToken cancellationToken)
        {
            await Writer.WriteAsync(Encoding.UTF8.GetBytes($"{{\"custom_id\":{JsonSerializer.Serialize(r.CustomId)},\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"), cancellationToken).ConfigureAwait(false);
            using var body = OpenAIRequest.Build(r.Messages, r.Options, endpoint);
            await body.WriteToAsync(Writer, cancellationToken).ConfigureAwait(false);
            await Writer.WriteAsync("}\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task<string> SubmitAsync(BatchFile file, string submission, CancellationToken cancellationToken)
    {
        var open = await file.CloseAsync(cancellationToken).ConfigureAwait(false);
        var uploaded = await SendAsync(() =>
        {
            var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" } };
            var content = new StreamContent(open());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(content, "file", "mmsafe-batch.jsonl");
            return new HttpRequestMessage(HttpMethod.Post, Url("files")) { Content = form };
        }, cancellationToken).ConfigureAwait(false);
        var fileId = Read(uploaded, "id");
        HttpRequestMessage Create() => new(HttpMethod.Post, Url("batches"))
        {
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                input_file_id = fileId, endpoint = "/v1/chat/completions", completion_window = "24h", metadata = new Dictionary<string, string> { [SubmissionKey] = submission },
            }), Encoding.UTF8, "application/json"),
        };
        // Creating a batch is not repeated blindly: after a failed attempt, a batch the server made anyway is found by its submission id.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return Read(await SendAsync(Create, cancellationToken, retry: false).ConfigureAwait(false), "id");
            }
            catch (ModelRequestException e) when (e.IsTransient && attempt < 4)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken).ConfigureAwait(false);
                if (await FindAsync(submission, cancellationToken).ConfigureAwait(false) is { } made) return made;
            }
        }
    }

    /// <summary>The metadata key that carries our submission id.</summary>
    public const string SubmissionKey = "mmsafe_submission";

    // The newest batches first, a page of 100 at a time, up to 1,000: a batch lost to a kill was made minutes ago.
    public override async Task<string?> FindAsync(string submission, CancellationToken cancellationToken)
    {
        string? after = null;
        for (int page = 0; page < 10; page++)
        {
            var body = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url($"batches?limit=100{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}")),
                cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            var data = json.RootElement.GetProperty("data");
            foreach (var batch in data.EnumerateArray())
                if (batch.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty(SubmissionKey, out var s) && s.GetString() == submission)
                    return batch.GetProperty("id").GetString();
            if (!json.RootElement.TryGetProperty("has_more", out var more) || !more.GetBoolean() || data.GetArrayLength() == 0) return null;
            after = data[data.GetArrayLength() - 1].GetProperty("id").GetString();
        }
        return null;
    }

    public override async Task<BatchState> PollAsync(string id, CancellationToken cancellationToken)
    {
        var body = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url($"batches/{Uri.EscapeDataString(id)}")), cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var status = root.GetProperty("status").GetString() ?? "unknown";
        return new BatchState(id, status is "completed" or "expired" or "cancelled" or "failed", status, Optional(root, "output_file_id"), Optional(root, "error_file_id"));
    }

    public override async Task<IReadOnlyList<BatchOutcome>> ResultsAsync(BatchState state, CancellationToken cancellationToken)
    {
        var outcomes = new List<BatchOutcome>();
        foreach (var fileId in new[] { state.Results, state.Errors }.OfType<string>())
        {
            var text = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url($"files/{Uri.EscapeDataString(fileId)}/content")), cancellationToken).ConfigureAwait(false);
            outcomes.AddRange(ReadLines(text, ReadLine));
        }
        return outcomes;
    }

    // {"custom_id": …, "response": {"status_code": 200, "body": {chat completion}}, "error": null}
    private BatchOutcome ReadLine(string id, JsonElement root)
    {
        try
        {
            if (root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
            {
                int status = response.TryGetProperty("status_code", out var s) ? s.GetInt32() : 200;
                var body = response.GetProperty("body");
                if (status == 200) return new BatchOutcome(id, Completion.FromResponse(OpenAIResponse.Read(body, Endpoint.Model), TimeSpan.Zero)[0], null);
                var raw = body.GetRawText();
                if (HttpErrors.IsContentPolicy(status, raw))
                    return new BatchOutcome(id, new Completion(CompletionKind.PolicyBlocked, "", HttpErrors.ErrorMessage(raw), "content_filter", null, null, TimeSpan.Zero), null);
                // A refused parameter is said as the one-at-a-time path says it: which parameter, and the line that leaves it out.
                if (HttpErrors.FromStatus(status, raw, null, Endpoint) is { Kind: ModelErrorKind.RefusedParameter } refused) return new BatchOutcome(id, null, $"the batch answered: {refused.Message}");
                return new BatchOutcome(id, null, $"the batch answered HTTP {status}: {HttpErrors.ErrorMessage(raw)}");
            }
            return new BatchOutcome(id, null, $"the batch gave no response: {(root.TryGetProperty("error", out var e) ? HttpErrors.ErrorMessage(e.GetRawText()) : "no error given")}");
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or JsonException)
        {
            return new BatchOutcome(id, new Completion(CompletionKind.Malformed, "", null, null, null, null, TimeSpan.Zero), null);
        }
    }

    private static string Read(string body, string field)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty(field).GetString()!;
    }

    private static string? Optional(JsonElement root, string field) =>
        root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    protected override void Authorize(HttpRequestHeaders headers)
    {
        if (Endpoint.ApiKey is { } key) headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }
}
