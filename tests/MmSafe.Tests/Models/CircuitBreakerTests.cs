using System.Net;
using System.Net.Sockets;
using MmSafe.Models;
using MmSafe.Models.Middleware;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

/// <summary>An endpoint that went away stops the run soon, with what is done stored, instead of holding it through every retry.</summary>
public sealed class CircuitBreakerTests
{
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Models(TempDir dir, string url, double timeout = 60) => dir.File("models.yaml",
        FormattableString.Invariant($"models:\n  t:\n    model: gone-vlm\n    base_url: {url}\n    concurrency: 4\n    retry: {{ max_retries: 3, base_delay_seconds: 0.05, max_delay_seconds: 0.1, timeout_seconds: {timeout}, give_up_after_seconds: 1 }}\n"));

    [Fact]
    public async Task An_endpoint_refusing_connections_stops_the_run_with_exit_3_and_keeps_what_is_done()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 60);
        var models = Models(dir, $"http://127.0.0.1:{ClosedPort()}/v1");
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "t", "--judge", "mock",
            "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("gone-vlm at http://127.0.0.1:", run.Error);
        Assert.Contains("connection failures or timeouts in a row", run.Error);
        Assert.Contains($"'mmsafe run --resume {dir.Full("run")}'", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        // Far fewer attempts than 60 items × 4 attempts: the breaker stopped new requests (each stored one is a failed answer).
        using var store = MmSafe.Runs.Stores.SqliteRunStore.OpenReadOnly(dir.Full("run"));
        Assert.True(store.Answers().Count < 60, $"{store.Answers().Count} answers were asked for");
    }

    [Fact]
    public async Task An_endpoint_that_never_answers_stops_the_run_after_its_timeouts()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 30);
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Slow(TimeSpan.FromMinutes(5));
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", Models(dir, server.BaseUrl.ToString(), timeout: 0.3),
            "--model", "t", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("no response within", run.Error);
        Assert.True(server.Received.Count < 30 * 4, $"{server.Received.Count} requests were sent");
    }

    [Fact]
    public void An_answer_resets_the_streak_and_failures_alone_open_it_only_after_the_quiet_time()
    {
        var clock = new ManualClock();
        var breaker = new EndpointBreaker("m at u", streak: 3, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), clock);
        for (int i = 0; i < 10; i++) breaker.Failed("refused");
        Assert.False(breaker.IsOpen); // many failures at once, but the endpoint answered less than 30 s ago
        clock.Advance(TimeSpan.FromSeconds(31));
        breaker.Succeeded();
        breaker.Failed("refused");
        breaker.Failed("refused");
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.False(breaker.IsOpen);
        breaker.Failed("refused"); // three in a row and 31 s without an answer
        Assert.True(breaker.IsOpen);
        var e = Assert.Throws<ModelRequestException>(breaker.ThrowIfOpen);
        Assert.Equal((ModelErrorKind.Unreachable, true), (e.Kind, e.StopsTheRun));
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}

public sealed class NoRetryTests
{
    [Fact]
    public async Task Max_retries_zero_makes_one_attempt_and_fails_cleanly()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(503);
        var models = dir.File("models.yaml", $"models:\n  t:\n    model: m\n    base_url: {server.BaseUrl}\n    retry: {{ max_retries: 0 }}\n");
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "t", "--judge", "mock",
            "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.Equal(3, run.ExitCode);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal(2, server.Count); // one attempt per item, no retry
    }
}
