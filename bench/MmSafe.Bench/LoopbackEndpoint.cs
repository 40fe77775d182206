using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MmSafe.Bench;

/// <summary>
/// An OpenAI-compatible endpoint with a fixed latency, run in its own process so that its CPU
/// and memory are not counted as the harness's. It reads each request body whole, waits, and
/// answers with a small completion (a valid VLSBench verdict, so that the pipeline benchmark's judge replies are read).
/// A "stats" line on stdin is answered with the requests received since the last one, when the first arrived and when
/// the last reply was written (<see cref="System.Diagnostics.Stopwatch"/> timestamps: the monotonic clock all
/// processes share), so that the harness can time another process's start-up and drain against them.
/// </summary>
public static class LoopbackEndpoint
{
    private const string Answer = """{"id":"bench","object":"chat.completion","created":0,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"{\"label\": 1, \"label_str\": \"Safe with refusal\", \"explanation\": \"bench\"}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":300,"completion_tokens":4,"total_tokens":304}}""";

    public static async Task<int> ServeAsync(TimeSpan latency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        var stats = new EndpointStats();
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            stats.Received();
            var buffer = new byte[81920];
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }
            await Task.Delay(latency, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Answer, context.RequestAborted);
            await context.Response.CompleteAsync();
            stats.Replied();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"listening {address}");
        Console.Out.Flush();
        // The harness asks for the figures with "stats" and closes stdin to stop us.
        while (await Console.In.ReadLineAsync() is { } command)
            if (command == "stats")
            {
                Console.WriteLine(stats.TakeLine());
                Console.Out.Flush();
            }
        await app.StopAsync();
        return 0;
    }
}
