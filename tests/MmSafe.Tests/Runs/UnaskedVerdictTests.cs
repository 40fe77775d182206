using System.Text.Json;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>A verdict that was never received (the judge failed, or a budget stopped it) is not an unreadable one.</summary>
public sealed class UnaskedVerdictTests
{
    [Fact]
    public async Task A_failed_judge_leaves_items_unscored_not_unreadable()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(500);
        var models = dir.File("models.yaml", $"models:\n  failer:\n    model: j\n    base_url: {server.BaseUrl}\n    retry: {{ max_retries: 0 }}\n");
        var run = await Support.Cli.RunAsync("run", "siuo-gen", "--data", SampleData.Siuo, "--model", "mock", "--models-file", models, "--judge", "failer",
            "--limit", "2", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.Equal(3, run.ExitCode);
        var score = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        using var json = JsonDocument.Parse(score.Output);
        var root = json.RootElement;
        Assert.Equal(0, root.GetProperty("invalid_safety_verdicts").GetInt32());
        Assert.Equal(0, root.GetProperty("invalid_effectiveness_verdicts").GetInt32());
        Assert.Equal(0, root.GetProperty("invalid_items").GetInt32());
        Assert.Contains("not scored yet", score.Output);
    }

    [Fact]
    public async Task A_run_whose_every_verdict_is_unreadable_could_score_nothing_and_exits_3()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Ok("I cannot say.");
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(),
            "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("no item could be scored", run.Error);
    }
}
