using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MmSafe.Tests.Support;

/// <summary>What the fake server does with one request.</summary>
public abstract record FakeReply
{
    public static FakeReply Ok(string content = "Hello.") => new Answer(content);

    public static FakeReply Status(int status, string body = "{\"error\":{\"message\":\"scripted\"}}", params (string Name, string Value)[] headers) =>
        new Raw(status, "application/json", body, headers);

    public static FakeReply Html(int status = 200) => new Raw(status, "text/html", "<html><body><h1>Bad gateway</h1></body></html>", []);

    public static FakeReply Malformed() => new Raw(200, "application/json", "{\"choices\": [ {\"message\": ", []);

    public static FakeReply Drop() => new Dropped();

    public static FakeReply Slow(TimeSpan delay) => new Delayed(delay, Ok());

    public sealed record Answer(string Content, string FinishReason = "stop", string? Refusal = null, bool HonourN = true) : FakeReply;

    public sealed record Raw(int Code, string ContentType, string Body, (string Name, string Value)[] Headers) : FakeReply;

    public sealed record Dropped : FakeReply;

    public sealed record Delayed(TimeSpan Delay, FakeReply Then) : FakeReply;
}

/// <summary>A request as the server saw it.</summary>
public sealed record ReceivedRequest(DateTime At, string Path, string? Authorization, JsonNode? Body, string? AnthropicVersion = null);

/// <summary>
/// A real OpenAI-compatible HTTP server on 127.0.0.1, started by the test. Replies come from a
/// script (one per request, in order), then from <see cref="Default"/>. It records every request
/// and the most requests it ever had in flight at once.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeReply> _script = new();
    private int _inFlight, _maxInFlight;

    private FakeModelServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public FakeReply Default { get; set; } = FakeReply.Ok();

    /// <summary>Chooses the reply from the request body when no scripted reply is left (deterministic answers).</summary>
    public Func<JsonNode?, FakeReply>? Responder { get; set; }

    /// <summary>Requests whose response was written in full: a fingerprint of their messages, and when.</summary>
    public ConcurrentQueue<(string Fingerprint, DateTime At)> Completed { get; } = new();

    public static string Fingerprint(JsonNode? body) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body?["messages"]?.ToJsonString() ?? "")));

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>The requests received more than once (same messages): when each of its askings arrived, in order.</summary>
    public IReadOnlyList<IReadOnlyList<DateTime>> RepeatedAskings() =>
        [.. Received.GroupBy(r => Fingerprint(r.Body)).Where(g => g.Count() > 1).Select(g => (IReadOnlyList<DateTime>)[.. g.Select(r => r.At).Order()])];

    /// <summary>
    /// Asserts that every request asked more than once was asked again only after a kill: between any two askings of it
    /// a process was killed. An order, not a time window, so it holds however slow a loaded machine is.
    /// </summary>
    public static void AssertRepeatsStraddleKills(IEnumerable<FakeModelServer> servers, IReadOnlyList<DateTime> kills)
    {
        foreach (var askings in servers.SelectMany(s => s.RepeatedAskings()))
            for (int i = 1; i < askings.Count; i++)
                Assert.True(kills.Any(k => askings[i - 1] < k && k < askings[i]),
                    $"a request asked at {askings[i - 1]:HH:mm:ss.fff} was asked again at {askings[i]:HH:mm:ss.fff} with no kill between (kills at {string.Join(", ", kills.Select(k => k.ToString("HH:mm:ss.fff")))})");
    }

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Count => Received.Count;

    public void Script(params FakeReply[] replies)
    {
        foreach (var reply in replies) _script.Enqueue(reply);
    }

    public static async Task<FakeModelServer> StartAsync()
    {
        FakeModelServer? server = null;
        var (app, root) = await LoopbackHost.StartAsync(app =>
        {
            app.MapPost("/v1/chat/completions", (HttpContext c) => server!.HandleAsync(c));
            app.MapPost("/v1/messages", (HttpContext c) => server!.HandleAsync(c));
        });
        server = new FakeModelServer(app) { BaseUrl = new Uri(root, "v1/") };
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        int now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }
        try
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(context.RequestAborted);
            JsonNode? body = null;
            try { body = JsonNode.Parse(text); } catch (JsonException) { }
            Received.Enqueue(new ReceivedRequest(DateTime.UtcNow, context.Request.Path, context.Request.Headers.Authorization.ToString(), body,
                context.Request.Headers.TryGetValue("anthropic-version", out var version) ? version.ToString() : null));
            var reply = _script.TryDequeue(out var scripted) ? scripted : Responder?.Invoke(body) ?? Default;
            await ReplyAsync(context, reply, body);
            if (reply is FakeReply.Answer or FakeReply.Delayed { Then: FakeReply.Answer })
            {
                await context.Response.CompleteAsync();
                Completed.Enqueue((Fingerprint(body), DateTime.UtcNow));
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static async Task ReplyAsync(HttpContext context, FakeReply reply, JsonNode? request)
    {
        switch (reply)
        {
            case FakeReply.Dropped:
                context.Abort();
                return;
            case FakeReply.Delayed delayed:
                await Task.Delay(delayed.Delay, context.RequestAborted);
                await ReplyAsync(context, delayed.Then, request);
                return;
            case FakeReply.Raw raw:
                context.Response.StatusCode = raw.Code;
                context.Response.ContentType = raw.ContentType;
                foreach (var (name, value) in raw.Headers) context.Response.Headers[name] = value;
                await context.Response.WriteAsync(raw.Body, context.RequestAborted);
                return;
            case FakeReply.Answer answer when context.Request.Path == "/v1/messages":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(new JsonObject
                {
                    ["id"] = "msg_test", ["type"] = "message", ["role"] = "assistant", ["model"] = request?["model"]?.GetValue<string>() ?? "test",
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = answer.Content }),
                    ["stop_reason"] = "end_turn", ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = 5, ["output_tokens"] = 3 },
                }.ToJsonString(), context.RequestAborted);
                return;
            case FakeReply.Answer answer:
                int n = answer.HonourN && request?["n"] is JsonValue v && v.TryGetValue<int>(out var count) ? count : 1;
                var choices = new JsonArray();
                for (int i = 0; i < n; i++)
                {
                    var message = new JsonObject { ["role"] = "assistant", ["content"] = answer.Refusal is null ? (n > 1 ? $"{answer.Content} #{i}" : answer.Content) : null };
                    if (answer.Refusal is not null) message["refusal"] = answer.Refusal;
                    choices.Add(new JsonObject { ["index"] = i, ["message"] = message, ["finish_reason"] = answer.FinishReason });
                }
                var response = new JsonObject
                {
                    ["id"] = "chatcmpl-test", ["object"] = "chat.completion", ["created"] = 0, ["model"] = request?["model"]?.GetValue<string>() ?? "test",
                    ["choices"] = choices,
                    ["usage"] = new JsonObject { ["prompt_tokens"] = 11, ["completion_tokens"] = 7, ["total_tokens"] = 18 },
                };
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted);
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
