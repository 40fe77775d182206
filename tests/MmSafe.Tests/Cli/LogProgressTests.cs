using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>Without a terminal (a batch job's log), progress is lines, not bars: each stage says how far it got.</summary>
public sealed class LogProgressTests
{
    [Fact]
    public async Task Each_stage_ends_with_a_line_of_its_counts_and_failures()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        server.Script(FakeReply.Status(400, "{\"error\":{\"message\":\"bad image\"}}")); // one target request fails at once
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge", "j",
            "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--cache", "off", "--concurrency", "1");
        Assert.Equal(3, result.ExitCode);
        Assert.Matches(@"target t: 4/4, 1 failed done \(\d\d:\d\d:\d\d\)", result.Error);
        Assert.Matches(@"judge j: 3/3 done", result.Error);
        Assert.DoesNotContain("\u001b[", result.Error); // no terminal escapes in a log
    }

    [Fact]
    public async Task With_json_stdout_is_the_json_alone_and_the_progress_still_goes_to_stderr()
    {
        using var dir = new TempDir();
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(6, System.Text.Json.JsonDocument.Parse(run.Output).RootElement.GetProperty("items").GetInt32());
        Assert.Matches(@"target mock: 6/6 done \(\d\d:\d\d:\d\d\)", run.Error);
        Assert.Matches(@"judge mock: 6/6 done", run.Error);

        var judge = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "mock/cautious", "--cache", "off", "--json");
        Assert.True(judge.ExitCode == 0, judge.Error);
        System.Text.Json.JsonDocument.Parse(judge.Output);
        Assert.Matches(@"judge mock/cautious: 6/6 done", judge.Error);
    }
}
