using MmSafe.Tests.Support;

namespace MmSafe.Tests.MossBench;

/// <summary>What a MOSSBench run shows beside itself, and what the caption condition shows the target.</summary>
public sealed class MossBenchReportTests
{
    [Fact]
    public async Task The_report_shows_the_published_leaderboard_with_per_type_rates_marked_as_published()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Question 1."), new(2, 2, "Question 2.")]);
        var run = await Support.Cli.RunAsync("run", "mossbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"));
        Assert.True(run.ExitCode == 0, run.Error);
        var report = await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("r.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        var html = File.ReadAllText(dir.Full("r.html"));
        Assert.Contains("Claude 3 Opus (web)", html);
        Assert.Contains("70.67", html);
        Assert.Contains("Exaggerated Risk 41, Negated Harm 93, Counterintuitive Interpretation 78", html);
        Assert.Contains("PUBLISHED", html);
        Assert.Contains("gpt-4-turbo", html);
    }

    [Fact]
    public async Task The_caption_condition_shows_the_oracle_description_instead_of_the_image()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Describe a fun game.")]);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => FakeReply.Ok(body!.ToJsonString().Contains("Refusal score", StringComparison.Ordinal) ? "Score: 0" : "A game.");
        var models = dir.File("models.yaml", $"models:\n  t:\n    model: target-vlm\n    base_url: {server.BaseUrl}\n");
        var run = await Support.Cli.RunAsync("run", "mossbench", "--data", data, "--models-file", models, "--model", "t", "--judge", "t",
            "--condition", "caption", "--out", dir.Full("run"), "--cache", "off");
        Assert.True(run.ExitCode == 0, run.Error);
        var target = server.Received.Select(r => r.Body!.ToJsonString()).Single(b => !b.Contains("Refusal score", StringComparison.Ordinal));
        Assert.Contains("[Image description: Oracle description of image 1.]", target);
        Assert.DoesNotContain("image_url", target);
    }
}
