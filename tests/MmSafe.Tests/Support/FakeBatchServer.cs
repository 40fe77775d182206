using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MmSafe.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 that implements the batch endpoints: OpenAI's (<c>POST /v1/files</c>,
/// <c>POST /v1/batches</c>, <c>GET /v1/batches/ID</c>, <c>GET /v1/files/ID/content</c>) and Anthropic's Message Batches
/// (<c>POST /v1/messages/batches</c>, <c>GET /v1/messages/batches/ID</c>, <c>GET …/results</c>). A batch ends after
/// <see cref="PollsToEnd"/> status requests, unless <see cref="Hold"/> keeps every batch in progress. Each request of an
/// ended batch is answered by <see cref="Responder"/> from its body; a null answer makes that line an error.
/// </summary>
public sealed class FakeBatchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _files = new();
    private readonly ConcurrentDictionary<string, Batch> _batches = new();
    private int _ids;

    private FakeBatchServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public Uri Root { get; private set; } = null!;

    /// <summary>The content of the answer to one request body (chat-completions or Anthropic params); null for an error line.</summary>
    public Func<JsonNode, string?> Responder { get; set; } = _ => "Hello.";

    public int PollsToEnd { get; set; } = 1;

    /// <summary>Rewrites an ended batch's output file (its JSONL text) before it is stored, e.g. to break a line.</summary>
    public Func<string, string> OutputFile { get; set; } = text => text;

    /// <summary>Every batch made so far is forgotten: asking for it is a 404, as when a provider has dropped it.</summary>
    public void Forget() => _batches.Clear();

    /// <summary>How long a created batch's id takes to reach the client (a window in which a kill loses the id).</summary>
    public TimeSpan CreateDelay { get; set; }

    private int _failCreate;

    /// <summary>The next batch is made but its creation answered with a 502, as a proxy in between might.</summary>
    public void FailNextCreate() => _failCreate = 1;

    public volatile bool Hold;

    /// <summary>The batches created, in order, with how many requests each holds.</summary>
    public ConcurrentQueue<(string Id, int Requests)> Created { get; } = new();

    /// <summary>A fingerprint of the messages of every request a batch answered (paid for).</summary>
    public ConcurrentQueue<string> Answered { get; } = new();

    /// <summary>The body of every request a batch answered, as the harness wrote it.</summary>
    public ConcurrentQueue<JsonNode> Bodies { get; } = new();

    /// <summary>The body of every request answered one at a time (chat completions).</summary>
    public ConcurrentQueue<JsonNode> SynchronousBodies { get; } = new();

    /// <summary>Requests answered one at a time (chat completions), by fingerprint.</summary>
    public ConcurrentQueue<string> Synchronous { get; } = new();

    /// <summary>Authorization and x-api-key headers seen, to check the key is sent and only there.</summary>
    public ConcurrentQueue<string> Keys { get; } = new();

    private sealed class Batch(bool anthropic, List<JsonNode> lines, JsonNode? metadata, long created)
    {
        public bool Anthropic => anthropic;
        public JsonNode? Metadata => metadata;
        public long Created => created;
        public List<JsonNode> Lines => lines;
        public int Polls;
        public string? Output;
    }

    public static async Task<FakeBatchServer> StartAsync()
    {
        FakeBatchServer? s = null;
        var (app, root) = await LoopbackHost.StartAsync(app =>
        {
            app.MapPost("/v1/files", async (HttpContext c) =>
            {
                s!.Key(c);
                var form = await c.Request.ReadFormAsync();
                if (form["purpose"] != "batch" || form.Files.GetFile("file") is not { } file) return Results.BadRequest(new { error = new { message = "purpose batch and a file expected" } });
                using var reader = new StreamReader(file.OpenReadStream());
                var id = $"file-{Interlocked.Increment(ref s._ids)}";
                s._files[id] = await reader.ReadToEndAsync();
                return Results.Json(new { id, @object = "file", purpose = "batch" });
            });
            app.MapPost("/v1/batches", async (HttpContext c) =>
            {
                s!.Key(c);
                var body = JsonNode.Parse(await new StreamReader(c.Request.Body).ReadToEndAsync())!;
                if (body["endpoint"]?.GetValue<string>() != "/v1/chat/completions" || body["completion_window"]?.GetValue<string>() != "24h"
                    || !s._files.TryGetValue(body["input_file_id"]!.GetValue<string>(), out var input))
                    return Results.BadRequest(new { error = new { message = "bad batch" } });
                var lines = input.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
                var id = s.Create(false, lines, body["metadata"]?.DeepClone());
                if (s.CreateDelay > TimeSpan.Zero) await Task.Delay(s.CreateDelay, c.RequestAborted); // made, but its id is slow to arrive
                if (Interlocked.Exchange(ref s._failCreate, 0) == 1) return Results.Json(new { error = new { message = "upstream timeout" } }, statusCode: 502); // made, then a 502
                return Results.Json(new { id, @object = "batch", status = "validating" });
            });
            app.MapGet("/v1/batches", (HttpContext c) =>
            {
                s!.Key(c);
                var all = s._batches.Where(p => !p.Value.Anthropic).OrderByDescending(p => p.Value.Created).ToList();
                return Results.Json(new { @object = "list", has_more = false, data = all.Select(p => new { id = p.Key, @object = "batch", metadata = p.Value.Metadata }) });
            });
            app.MapGet("/v1/batches/{id}", (HttpContext c, string id) =>
            {
                s!.Key(c);
                if (!s._batches.TryGetValue(id, out var b)) return Results.NotFound(new { error = new { message = "no such batch" } });
                bool ended = s.Poll(b);
                return Results.Json(new { id, @object = "batch", status = ended ? "completed" : "in_progress", output_file_id = b.Output });
            });
            app.MapGet("/v1/files/{id}/content", (string id) => s!._files.TryGetValue(id, out var text) ? Results.Text(text, "application/jsonl") : Results.NotFound());
            // The same model one request at a time, as a provider serves it beside its batch API.
            app.MapPost("/v1/chat/completions", async (HttpContext c) =>
            {
                s!.Key(c);
                var body = JsonNode.Parse(await new StreamReader(c.Request.Body).ReadToEndAsync())!;
                s.SynchronousBodies.Enqueue(body.DeepClone());
                s.Synchronous.Enqueue(FakeModelServer.Fingerprint(body));
                return Results.Json(new
                {
                    id = "chatcmpl", @object = "chat.completion", model = "m",
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = s.Responder(body) ?? "Hello." }, finish_reason = "stop" } },
                    usage = new { prompt_tokens = 11, completion_tokens = 7 },
                });
            });
            app.MapPost("/v1/messages/batches", async (HttpContext c) =>
            {
                s!.Key(c);
                var body = JsonNode.Parse(await new StreamReader(c.Request.Body).ReadToEndAsync())!;
                var id = s.Create(true, [.. body["requests"]!.AsArray().Select(r => r!.DeepClone())]);
                return Results.Json(new { id, type = "message_batch", processing_status = "in_progress" });
            });
            app.MapGet("/v1/messages/batches/{id}", (HttpContext c, string id) =>
            {
                s!.Key(c);
                if (!s._batches.TryGetValue(id, out var b)) return Results.NotFound(new { type = "error", error = new { type = "not_found_error", message = "no such batch" } });
                bool ended = s.Poll(b);
                return Results.Json(new { id, type = "message_batch", processing_status = ended ? "ended" : "in_progress",
                    results_url = ended ? new Uri(s.Root, $"v1/messages/batches/{id}/results").ToString() : null });
            });
            app.MapGet("/v1/messages/batches/{id}/results", (string id) =>
                s!._batches.TryGetValue(id, out var b) && b.Output is { } o ? Results.Text(s._files[o], "application/x-jsonl") : Results.NotFound());
        });
        s = new FakeBatchServer(app) { Root = root, BaseUrl = new Uri(root, "v1/") };
        return s;
    }

    private void Key(HttpContext c) => Keys.Enqueue(c.Request.Headers.Authorization.ToString() + c.Request.Headers["x-api-key"]);

    private string Create(bool anthropic, List<JsonNode> lines, JsonNode? metadata = null)
    {
        var n = Interlocked.Increment(ref _ids);
        var id = $"{(anthropic ? "msgbatch" : "batch")}_{n}";
        _batches[id] = new Batch(anthropic, lines, metadata, n);
        Created.Enqueue((id, lines.Count));
        return id;
    }

    // Each status request brings a batch nearer its end; when it ends, every request is answered once.
    private bool Poll(Batch b)
    {
        lock (b)
        {
            if (b.Output is not null) return true;
            if (Hold || ++b.Polls < PollsToEnd) return false;
            var output = new StringBuilder();
            foreach (var line in b.Lines)
            {
                var id = line["custom_id"]!.GetValue<string>();
                var body = b.Anthropic ? line["params"]! : line["body"]!;
                var content = Responder(body);
                Answered.Enqueue(FakeModelServer.Fingerprint(body));
                Bodies.Enqueue(body.DeepClone());
                JsonNode result = b.Anthropic
                    ? new JsonObject
                    {
                        ["custom_id"] = id,
                        ["result"] = content is null
                            ? new JsonObject { ["type"] = "errored", ["error"] = new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "api_error", ["message"] = "scripted" } } }
                            : new JsonObject
                            {
                                ["type"] = "succeeded",
                                ["message"] = new JsonObject
                                {
                                    ["id"] = "msg", ["type"] = "message", ["role"] = "assistant", ["model"] = body["model"]?.DeepClone(),
                                    ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = content }),
                                    ["stop_reason"] = "end_turn", ["usage"] = new JsonObject { ["input_tokens"] = 5, ["output_tokens"] = 3 },
                                },
                            },
                    }
                    : new JsonObject
                    {
                        ["id"] = "r", ["custom_id"] = id, ["error"] = null,
                        ["response"] = new JsonObject
                        {
                            ["status_code"] = content is null ? 500 : 200,
                            ["body"] = content is null ? new JsonObject { ["error"] = new JsonObject { ["message"] = "scripted" } } : new JsonObject
                            {
                                ["id"] = "chatcmpl", ["object"] = "chat.completion", ["model"] = body["model"]?.DeepClone(),
                                ["choices"] = new JsonArray(new JsonObject
                                {
                                    ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content }, ["finish_reason"] = "stop",
                                }),
                                ["usage"] = new JsonObject { ["prompt_tokens"] = 11, ["completion_tokens"] = 7 },
                            },
                        },
                    };
                output.Append(result.ToJsonString()).Append('\n');
            }
            var fileId = $"file-{Interlocked.Increment(ref _ids)}";
            _files[fileId] = OutputFile(output.ToString());
            b.Output = fileId;
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
