using System.Net;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

/// <summary><c>mmsafe view</c> as a command and a server: what it accepts, whom it answers, and its headers.</summary>
public sealed class ViewCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<string> MockRunAsync(TempDir dir, string name = "run", string condition = "official")
    {
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--condition", condition,
            "--out", dir.Full(name), "--cache", "off", "--json")).ExitCode);
        return dir.Full(name);
    }

    [Fact]
    public async Task View_of_an_evaluation_file_lists_its_cells_as_they_start()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        var file = dir.File("eval.yaml", $"out: out\nmodels: [mock, mock/b]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [mock]\ncache: off\n");
        await using var view = await ViewHost.StartAsync(file);
        var before = await view.JsonAsync("api/runs");
        Assert.Empty(before["runs"]!.AsArray());

        Assert.Equal(0, (await Support.Cli.RunAsync("eval", file)).ExitCode);
        var changes = await view.JsonAsync($"api/changes?since={before["version"]}");
        Assert.True(changes["list_changed"]!.GetValue<bool>());
        var models = (await view.JsonAsync("api/runs"))["runs"]!.AsArray().Select(r => r!["model"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["mock", "mock/b"], models);
    }

    [Fact]
    public async Task Requests_for_another_host_name_are_refused_so_a_rebinding_page_cannot_read_the_runs()
    {
        using var dir = new TempDir();
        await MockRunAsync(dir);
        await using var view = await ViewHost.StartAsync(dir.Path);
        int port = new Uri(view.Url).Port;
        async Task<HttpStatusCode> GetAsync(string host)
        {
            using var response = await view.SendAsync(HttpMethod.Get, "api/runs", host);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync($"attacker.example:{port}"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync("attacker.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync($"127.0.0.1.attacker.example:{port}"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync($"localhost:{port}"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync($"127.0.0.1:{port}"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync($"[::1]:{port}"));
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers_only_GET_is_answered_and_ids_never_name_paths()
    {
        using var dir = new TempDir();
        await MockRunAsync(dir);
        await using var view = await ViewHost.StartAsync(dir.Path);
        foreach (var path in new[] { "", "app.js", "app.css", "api/runs", "api/runs/nope" })
        {
            using var response = await view.SendAsync(HttpMethod.Get, path);
            Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            using var response = await view.SendAsync(method, "api/runs");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }
        var id = (await view.JsonAsync("api/runs"))["runs"]![0]!["id"]!.GetValue<string>();
        foreach (var path in new[] { "api/runs/..%2F..%2Fetc%2Fpasswd", $"api/runs/{Uri.EscapeDataString(dir.Full("run"))}", "api/runs/run",
            $"api/runs/{id}/samples/..%2F..%2Frun.db", $"api/runs/{id}/images/0/5?size=full", $"api/runs/{id}/images/..%2F0/0?size=full" })
        {
            using var response = await view.SendAsync(HttpMethod.Get, path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_folder_without_runs_is_served_and_says_so()
    {
        using var dir = new TempDir();
        await using var view = await ViewHost.StartAsync(dir.Path);
        Assert.Empty((await view.JsonAsync("api/runs"))["runs"]!.AsArray());
        Assert.Contains("No runs found", await view.Http.GetStringAsync(view.Url + "app.js", Token));
    }

    [Fact]
    public async Task A_missing_folder_is_one_clear_line()
    {
        using var dir = new TempDir();
        var result = await Support.Cli.RunAsync("view", dir.Full("nowhere"), "--port", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {dir.Full("nowhere")}: no such folder; give a folder of runs, a run directory or an evaluation file (default: the current folder).", result.Error.Trim());
    }

    [Theory]
    [InlineData("postgresql://nobody@127.0.0.1:1/db/runs", "postgresql://nobody@127.0.0.1:1/db/runs: cannot read the database")]
    [InlineData("postgresql://u:secret@127.0.0.1:1/db", "postgresql://…@127.0.0.1: the URL holds a password")]
    [InlineData("postgresql:///db", "postgresql:///db: not a PostgreSQL location")]
    public async Task A_bad_PostgreSQL_location_is_one_clear_line(string url, string expected)
    {
        var result = await Support.Cli.RunAsync("view", url, "--port", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: " + expected, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_host_that_is_not_an_address_is_one_clear_line()
    {
        using var dir = new TempDir();
        var result = await Support.Cli.RunAsync("view", dir.Path, "--port", "0", "--host", "example.com");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --host example.com: expected an IP address to listen on, such as 127.0.0.1 (the default) or 0.0.0.0.", result.Error.Trim());
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
        await MockRunAsync(dir);
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = await Support.Cli.RunAsync("view", dir.Full("run"), "--port", port.ToString());
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: --port {port}: cannot listen there", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task A_host_address_this_machine_does_not_have_is_one_clear_line()
    {
        using var dir = new TempDir();
        var result = await Support.Cli.RunAsync("view", dir.Path, "--port", "0", "--host", "192.0.2.77"); // TEST-NET-1: never assigned
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --host 192.0.2.77: cannot listen on that address", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Bound_to_every_interface_it_answers_address_literals_and_its_own_name_but_never_another_DNS_name()
    {
        Assert.True(MmSafe.Cli.View.ViewServer.IsLocalHost(new Microsoft.AspNetCore.Http.HostString("192.0.2.2", 8765), 8765, "0.0.0.0"));
        Assert.True(MmSafe.Cli.View.ViewServer.IsLocalHost(new Microsoft.AspNetCore.Http.HostString("[2001:db8::2]", 8765), 8765, "::"));
        Assert.True(MmSafe.Cli.View.ViewServer.IsLocalHost(new Microsoft.AspNetCore.Http.HostString(Dns.GetHostName(), 8765), 8765, "0.0.0.0"));
        Assert.False(MmSafe.Cli.View.ViewServer.IsLocalHost(new Microsoft.AspNetCore.Http.HostString("evil.example", 8765), 8765, "0.0.0.0"));
        Assert.False(MmSafe.Cli.View.ViewServer.IsLocalHost(new Microsoft.AspNetCore.Http.HostString("192.0.2.2", 9999), 8765, "0.0.0.0"));
        // Bound to loopback (the default), an address literal of another interface is not ours.
        Assert.False(MmSafe.Cli.View.ViewServer.IsLocalHost(new Microsoft.AspNetCore.Http.HostString("192.0.2.2", 8765), 8765));
    }

    [Theory]
    [InlineData("api/runs/{id}/samples?limit=abc", 400, "limit=abc")]
    [InlineData("api/runs/{id}/samples?offset=1e3", 400, "offset=1e3")]
    [InlineData("api/runs/{id}/samples?disagree=yes", 400, "disagree=yes")]
    [InlineData("api/runs/{id}/images/0/0?size=huge", 400, "size=huge")]
    [InlineData("api/changes?since=abc", 400, "since=abc")]
    [InlineData("api/compare?runs={id},{id}", 400, "named twice")]
    [InlineData("api/compare?runs=", 400, "name runs to compare")]
    [InlineData("api/nothing/here", 404, "no such API path")]
    [InlineData("api/runs/{id}/images/0/abc", 404, "no such API path")]
    public async Task A_bad_API_request_is_answered_in_JSON_naming_what_is_wrong(string path, int status, string expected)
    {
        using var dir = new TempDir();
        await MockRunAsync(dir);
        await using var view = await ViewHost.StartAsync(dir.Path);
        var id = (await view.JsonAsync("api/runs"))["runs"]![0]!["id"]!.GetValue<string>();
        using var response = await view.SendAsync(HttpMethod.Get, path.Replace("{id}", id));
        Assert.Equal(status, (int)response.StatusCode);
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!["error"]!.GetValue<string>();
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task The_comparison_names_runs_as_the_run_list_does_not_by_their_absolute_path()
    {
        using var dir = new TempDir();
        await MockRunAsync(dir, "a");
        await MockRunAsync(dir, "b", "text-only");
        await using var view = await ViewHost.StartAsync(dir.Path);
        var ids = (await view.JsonAsync("api/runs"))["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>());
        using var response = await view.SendAsync(HttpMethod.Get, $"api/compare?runs={string.Join(",", ids)}");
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(System.Text.Json.JsonSerializer.Serialize(dir.Path)[1..^1], text);
        Assert.Contains("\"run\":\"a\"", text.Replace(" ", ""));
    }
}
