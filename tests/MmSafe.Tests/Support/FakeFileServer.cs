using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MmSafe.Tests.Support;

/// <summary>
/// A loopback file server with HTTP Range support that can cut a download short: the first
/// request for a file listed in <see cref="CutAfter"/> sends that many bytes and drops the connection.
/// </summary>
public sealed class FakeFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeFileServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    public ConcurrentDictionary<string, int> CutAfter { get; } = new();

    public ConcurrentQueue<(string Path, string? Range)> Requests { get; } = new();

    public static async Task<FakeFileServer> StartAsync()
    {
        FakeFileServer? server = null;
        var (app, root) = await LoopbackHost.StartAsync(app => app.MapGet("/{**path}", (HttpContext c, string path) => server!.ServeAsync(c, path)));
        server = new FakeFileServer(app) { BaseUrl = root };
        return server;
    }

    private async Task ServeAsync(HttpContext context, string path)
    {
        Requests.Enqueue((path, context.Request.Headers.Range.ToString()));
        if (!Files.TryGetValue(path, out var bytes))
        {
            context.Response.StatusCode = 404;
            return;
        }
        long start = 0;
        var range = context.Request.Headers.Range.ToString();
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && long.TryParse(range[6..].TrimEnd('-'), out var from))
        {
            if (from >= bytes.Length) { context.Response.StatusCode = 416; return; }
            start = from;
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
        }
        context.Response.ContentLength = bytes.Length - start;
        if (CutAfter.TryRemove(path, out int cut))
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory((int)start, cut));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }
        await context.Response.Body.WriteAsync(bytes.AsMemory((int)start));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
