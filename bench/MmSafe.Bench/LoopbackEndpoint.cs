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
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var buffer = new byte[81920];
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }
            await Task.Delay(latency, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Answer, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"listening {address}");
        Console.Out.Flush();
        await Console.In.ReadLineAsync(); // the harness closes stdin to stop us
        await app.StopAsync();
        return 0;
    }
}
