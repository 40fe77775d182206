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
}
