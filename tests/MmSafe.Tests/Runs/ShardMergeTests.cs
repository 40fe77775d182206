using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

public sealed class ShardMergeTests
{
    private static string[] Args(string data, FakeModelServer server, string outDir, params string[] more) =>
        ["run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(),
         "--out", outDir, "--json", "--cache", "off", .. more];

    [Fact]
    public async Task Shards_run_apart_and_merged_score_exactly_as_one_run_with_each_request_made_once()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 7);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        var whole = await Support.Cli.RunAsync(Args(data, server, dir.Full("whole")));
        Assert.Equal(0, whole.ExitCode);
        int before = server.Count;
        foreach (var k in new[] { 1, 2, 3 })
        {
            var shard = await Support.Cli.RunAsync(Args(data, server, dir.Full($"shard{k}"), "--shard", $"{k}/3"));
            Assert.True(shard.ExitCode == 0, shard.Error);
        }
        Assert.Equal(before + 14, server.Count); // 7 answers and 7 verdicts, each asked by exactly one shard
        var merge = await Support.Cli.RunAsync("merge", dir.Full("merged"), dir.Full("shard1"), dir.Full("shard2"), dir.Full("shard3"));
        Assert.True(merge.ExitCode == 0, merge.Error);
        var merged = await Support.Cli.RunAsync("score", dir.Full("merged"), "--json");
        Assert.Equal(whole.Scores(), merged.Scores());

        var overlap = await Support.Cli.RunAsync("merge", dir.Full("again"), dir.Full("shard1"), dir.Full("whole"));
        Assert.Equal(2, overlap.ExitCode);
        Assert.Contains("shards must not overlap", overlap.Error);
        var other = await Support.Cli.RunAsync(Args(data, server, dir.Full("other"), "--shard", "1/3", "--max-tokens", "50"));
        Assert.Equal(0, other.ExitCode);
        var mismatch = await Support.Cli.RunAsync("merge", dir.Full("mixed"), dir.Full("other"), dir.Full("shard2"));
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("not a shard of the same run", mismatch.Error);
        var bad = await Support.Cli.RunAsync(Args(data, server, dir.Full("bad"), "--shard", "4/3"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--shard '4/3': expected k/n", bad.Error);
    }
}
