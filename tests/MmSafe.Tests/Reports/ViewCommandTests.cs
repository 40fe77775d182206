using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

public sealed class ViewCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Starts <c>mmsafe view</c> in-process on a free port; its address, and the task that ends when <paramref name="stop"/> is cancelled.</summary>
    private static async Task<(string Url, Task<int> View)> StartAsync(CancellationTokenSource stop, params string[] paths)
    {
        var outputText = new StringWriter();
        var errorText = new StringWriter();
        var output = TextWriter.Synchronized(outputText);
        var error = TextWriter.Synchronized(errorText);
        string Read(TextWriter writer, StringWriter text) { lock (writer) return text.ToString(); } // SyncTextWriter locks on itself
        var view = MmSafe.Cli.CliApp.RunAsync(["view", .. paths, "--port", "0", "--refresh", "5"], output, error, stop.Token);
        string? url = null;
        for (int i = 0; i < 600 && url is null && !view.IsCompleted; i++)
        {
            await Task.Delay(25, Token);
            url = Regex.Match(Read(output, outputText), @"serving (http://127\.0\.0\.1:\d+/)") is { Success: true } m ? m.Groups[1].Value : null;
        }
        Assert.True(url is not null, $"no address: {Read(error, errorText)}");
        return (url, view);
    }

    [Fact]
    public async Task View_serves_the_report_rebuilt_on_every_visit_while_the_run_changes()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--json")).ExitCode);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var (url, view) = await StartAsync(cts, dir.Full("run"));
        using var http = new HttpClient();
        var first = await http.GetStringAsync(url, Token);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"5\">", first);
        Assert.Contains("default-src 'none'", first);
        Assert.DoesNotContain("Judge panel", first);

        // The run changes while it is watched: the next visit shows it.
        Assert.Equal(0, (await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "mock", "--without-image", "--json")).ExitCode);
        var second = await http.GetStringAsync(url, Token);
        Assert.Contains("Judge panel", second);

        cts.Cancel();
        Assert.Equal(0, await view);
    }

    [Fact]
    public async Task View_of_an_evaluation_file_shows_its_cells_as_they_start()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        var file = dir.File("eval.yaml", $"out: out\nmodels: [mock, mock/b]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [mock]\ncache: off\n");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var (url, view) = await StartAsync(cts, file);
        using var http = new HttpClient();
        Assert.Contains("No run has started yet", await http.GetStringAsync(url, Token));

        Assert.Equal(0, (await Support.Cli.RunAsync("eval", file)).ExitCode);
        var page = await http.GetStringAsync(url, Token);
        Assert.Contains("vlsbench: mock/b", page);
        Assert.Contains("vlsbench: mock judged", page);

        cts.Cancel();
        Assert.Equal(0, await view);
    }
}
