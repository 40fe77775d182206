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

    [Fact]
    public async Task A_page_of_several_runs_gets_one_refresh_tag_in_its_head_and_keeps_its_chart_titles()
    {
        using var dir = new TempDir();
        string[] runs = [dir.Full("a"), dir.Full("b"), dir.Full("c")];
        foreach (var (run, condition) in runs.Zip(["official", "text-only", "image-only"]))
            Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--condition", condition,
                "--out", run, "--cache", "off", "--json")).ExitCode);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var (url, view) = await StartAsync(cts, runs);
        using var http = new HttpClient();
        var page = await http.GetStringAsync(url, Token);
        Assert.Equal(1, Regex.Count(page, "http-equiv=\"refresh\""));
        var head = page[..page.IndexOf("</head>", StringComparison.Ordinal)];
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"5\">", head);
        Assert.True(Regex.Count(page, "</title></rect>") > 3, "the charts' bars keep their tooltips");
        cts.Cancel();
        Assert.Equal(0, await view);
    }

    [Fact]
    public async Task Requests_for_another_host_name_are_refused_so_a_rebinding_page_cannot_read_the_report()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"),
            "--cache", "off", "--json")).ExitCode);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var (url, view) = await StartAsync(cts, dir.Full("run"));
        int port = new Uri(url).Port;
        using var http = new HttpClient();
        async Task<System.Net.HttpStatusCode> GetAsync(string host)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Host = host;
            using var response = await http.SendAsync(request, Token);
            return response.StatusCode;
        }
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await GetAsync($"attacker.example:{port}"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await GetAsync("attacker.example"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await GetAsync($"127.0.0.1.attacker.example:{port}"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await GetAsync($"localhost:{port}"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await GetAsync($"127.0.0.1:{port}"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await GetAsync($"[::1]:{port}"));
        cts.Cancel();
        Assert.Equal(0, await view);
    }

    [Theory]
    [InlineData("99999")]
    [InlineData("-1")]
    public async Task A_port_out_of_range_is_one_clear_line(string port)
    {
        using var dir = new TempDir();
        var result = await Support.Cli.RunAsync("view", dir.Path, "--port", port);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: --port {port}: expected a port from 1 to 65535, or 0 for a free one.", result.Error.Trim());
    }

    [Fact]
    public async Task A_port_in_use_is_one_clear_line()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"),
            "--cache", "off", "--json")).ExitCode);
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var result = await Support.Cli.RunAsync("view", dir.Full("run"), "--port", port.ToString());
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: --port {port}: cannot listen there", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }
}
