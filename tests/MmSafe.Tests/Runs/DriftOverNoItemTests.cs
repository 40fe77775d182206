using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// A second judge whose every verdict is emptied by its reasoning budget shares no scored item with the first: its
/// drift, agreement and McNemar p are not defined, and every format says "n/a (no item both judges scored)" where
/// they showed "0.00 points [0.00, 0.00], McNemar p 1.0000" as if it were a result.
/// </summary>
public sealed class DriftOverNoItemTests
{
    [Fact]
    public async Task A_pair_with_no_shared_item_shows_n_a_in_judge_agreement_and_report()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        await using var target = await FakeModelServer.StartAsync();
        await using var good = await FakeModelServer.StartAsync();
        await using var thinker = await FakeModelServer.StartAsync();
        target.Responder = body => RunFixture.Answer(body);
        good.Responder = body => RunFixture.Answer(body);
        thinker.Responder = ReasoningServers.UnclosedThink;
        var models = dir.File("models.yaml", $"""
            models:
              t: {"{"} model: target-vlm, base_url: {target.BaseUrl} {"}"}
              good: {"{"} model: good-vlm, base_url: {good.BaseUrl} {"}"}
              thinker: {"{"} model: thinker-vlm, base_url: {thinker.BaseUrl} {"}"}
            """);
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "t", "--judge", "good",
            "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);

        var judge = await Support.Cli.RunAsync("judge", dir.Full("run"), "--models-file", models, "--judge", "thinker", "--cache", "off", "--json");
        Assert.Equal(3, thinker.Count);
        Assert.Contains("drift: thinker minus good: n/a (no item both judges scored)", judge.Error);
        Assert.DoesNotContain("McNemar p", judge.Error, StringComparison.Ordinal);

        var table = await Support.Cli.RunAsync("agreement", dir.Full("run"));
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("n/a (no item both", table.Output);
        Assert.DoesNotContain("0.00 [0.00, 0.00]", table.Output, StringComparison.Ordinal);
        Assert.Contains("items rated by every judge: n/a (no item rated by every judge)", table.Output);
        var markdown = await Support.Cli.RunAsync("agreement", dir.Full("run"), "--format", "markdown");
        Assert.Contains("| good | thinker | 0 | n/a | n/a | n/a (no item both judges scored) | n/a | n/a |", markdown.Output);
        Assert.Contains("Fleiss' κ over 0 items: n/a (no item rated by every judge)", markdown.Output);
        var json = await Support.Cli.RunAsync("agreement", dir.Full("run"), "--json");
        var pair = JsonNode.Parse(json.Output)!["pairs"]!.AsArray().Single()!;
        Assert.Equal("n/a (no item both judges scored)", pair["note"]!.GetValue<string>());
        Assert.Null(pair["drift_points"]);
        Assert.Null(pair["mcnemar_p"]);

        var report = await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("r.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Contains("<td>n/a (no item both judges scored)</td>", File.ReadAllText(dir.Full("r.html")), StringComparison.Ordinal);
    }
}
