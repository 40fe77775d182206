using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

public sealed class ViewCommandTests
{
    [Fact]
    public async Task View_serves_the_report_rebuilt_on_every_visit_while_the_run_changes()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--json")).ExitCode);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var outputText = new StringWriter();
        var errorText = new StringWriter();
        var output = TextWriter.Synchronized(outputText);
        var error = TextWriter.Synchronized(errorText);
        string Read(TextWriter writer, StringWriter text) { lock (writer) return text.ToString(); } // SyncTextWriter locks on itself
        var view = MmSafe.Cli.CliApp.RunAsync(["view", dir.Full("run"), "--port", "0", "--refresh", "5"], output, error, cts.Token);
        string? url = null;
        for (int i = 0; i < 200 && url is null; i++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
            url = Regex.Match(Read(output, outputText), @"serving (http://127\.0\.0\.1:\d+/)") is { Success: true } m ? m.Groups[1].Value : null;
        }
        Assert.True(url is not null, $"no address: {Read(error, errorText)}");
        using var http = new HttpClient();
        var first = await http.GetStringAsync(url, TestContext.Current.CancellationToken);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"5\">", first);
        Assert.Contains("default-src 'none'", first);
        Assert.DoesNotContain("Judge panel", first);

        // The run changes while it is watched: the next visit shows it.
        Assert.Equal(0, (await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "mock", "--without-image", "--json")).ExitCode);
        var second = await http.GetStringAsync(url, TestContext.Current.CancellationToken);
        Assert.Contains("Judge panel", second);

        cts.Cancel();
        Assert.Equal(0, await view);
    }
}
