using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Text.Json;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

public sealed class InterruptAndSecretTests
{
    [Fact]
    public async Task Cancelling_a_run_keeps_the_answers_that_were_in_flight()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body, TimeSpan.FromMilliseconds(800));
        using var cts = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var run = MmSafe.Cli.CliApp.RunAsync(["run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge", "j",
            "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", "off"], output, error, cts.Token);
        while (server.Received.Count < 4) await Task.Delay(10, TestContext.Current.CancellationToken);
        cts.Cancel(); // Ctrl+C while four target requests are in flight
        Assert.Equal(130, await run);
        using var store = SqliteRunStore.OpenReadOnly(dir.Full("run"));
        Assert.Equal(4, store.Answers().Count(a => a.IsAnswer)); // before: cancelled mid-request, all four were lost
        Assert.Empty(store.Verdicts()); // nothing new was started after the cancel
    }

    [Fact]
    public async Task A_reply_that_echoes_the_api_key_is_redacted_before_it_is_stored_or_shown()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 1);
        const string key = "sk-test-echoed-0123456789";
        Environment.SetEnvironmentVariable("MMSAFE_ECHO_KEY", key);
        try
        {
            await using var server = await FakeModelServer.StartAsync();
            server.Responder = body => body!.ToJsonString().Contains("red-teaming", StringComparison.Ordinal)
                ? RunFixture.Answer(body) : FakeReply.Ok($"Answer 0. Your key is {key}, thanks.");
            var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(),
                "--api-key-env", "MMSAFE_ECHO_KEY", "--judge", "mock", "--out", dir.Full("run"), "--json", "--cache", dir.Full("cache.db"));
            Assert.Equal(0, result.ExitCode);
            var export = await Support.Cli.RunAsync("export", dir.Full("run"), "--format", "jsonl", "--to", dir.Full("x"));
            Assert.Equal(0, export.ExitCode);
            Assert.Contains("[REDACTED]", File.ReadAllText(dir.Full("x/samples.jsonl")));
            foreach (var file in Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories))
                Assert.DoesNotContain(key, File.ReadAllText(file));
            Assert.DoesNotContain(key, result.Output + result.Error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MMSAFE_ECHO_KEY", null);
        }
    }
}
