using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MmSafe.Tests.Support;

/// <summary><c>mmsafe view</c> started in-process through its real command line on a free loopback port; stopped on dispose.</summary>
public sealed class ViewHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task<int> _view;

    public string Url { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    private ViewHost(CancellationTokenSource stop, Task<int> view, string url) => (_stop, _view, Url) = (stop, view, url);

    public static async Task<ViewHost> StartAsync(params string[] args)
    {
        var token = TestContext.Current.CancellationToken;
        var outputText = new StringWriter();
        var errorText = new StringWriter();
        var output = TextWriter.Synchronized(outputText);
        var error = TextWriter.Synchronized(errorText);
        string Read(TextWriter writer, StringWriter text) { lock (writer) return text.ToString(); } // SyncTextWriter locks on itself
        var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var view = MmSafe.Cli.CliApp.RunAsync(["view", .. args, "--port", "0"], output, error, stop.Token);
        string? url = null;
        for (int i = 0; i < 1200 && url is null && !view.IsCompleted; i++)
        {
            await Task.Delay(25, token);
            url = Regex.Match(Read(output, outputText), @"serving (http://[^ ]+:\d+/)") is { Success: true } m ? m.Groups[1].Value : null;
        }
        Assert.True(url is not null, $"no address: {Read(error, errorText)}");
        return new ViewHost(stop, view, url);
    }

    public async Task<JsonNode> JsonAsync(string path) =>
        JsonNode.Parse(await Http.GetStringAsync(Url + path.TrimStart('/'), TestContext.Current.CancellationToken))!;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? host = null)
    {
        var request = new HttpRequestMessage(method, Url + path.TrimStart('/'));
        if (host is not null) request.Headers.Host = host;
        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Assert.Equal(0, await _view);
        Http.Dispose();
        _stop.Dispose();
    }
}
