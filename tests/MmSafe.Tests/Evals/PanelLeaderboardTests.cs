using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Evals;

/// <summary>An evaluation judged by a panel: one leaderboard row per cell and judge, not a refusal of a run "given twice".</summary>
public sealed class PanelLeaderboardTests
{
    [Fact]
    public async Task An_evaluation_with_two_judges_writes_a_row_per_cell_and_judge()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        var file = dir.File("e.yaml", $$"""
            out: {{dir.Full("ev")}}
            models: [mock]
            benchmarks: [vlsbench]
            data: { vlsbench: {{data}} }
            judges: [mock, mock/cautious]
            cache: off
            """);
        var result = await Support.Cli.RunAsync("eval", file);
        Assert.True(result.ExitCode == 0, result.Error);
        var rows = JsonNode.Parse(File.ReadAllText(dir.Full("ev/leaderboard.json")))!["leaderboard"]!.AsArray();
        Assert.Equal(["mock", "mock/cautious"], rows.Select(r => (string)r!["judge"]!).Order());
    }

    [Fact]
    public async Task A_run_named_twice_is_still_refused_by_compare()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("r"), "--cache", "off");
        Assert.Equal(0, run.ExitCode);
        var compare = await Support.Cli.RunAsync("compare", dir.Full("r"), dir.Full("r"));
        Assert.Equal(2, compare.ExitCode);
        Assert.Contains("a run compared with itself says nothing", compare.Error);
    }

    [Fact]
    public async Task A_dry_run_with_resume_is_refused_and_sends_nothing()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        var first = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge", "mock",
            "--limit", "1", "--out", dir.Full("r"), "--cache", "off");
        Assert.Equal(0, first.ExitCode);
        int before = server.Count;
        var dry = await Support.Cli.RunAsync("run", "--resume", dir.Full("r"), "--dry-run");
        Assert.Equal(2, dry.ExitCode);
        Assert.Contains("--dry-run plans a new run and cannot be given with --resume", dry.Error);
        Assert.Equal(before, server.Count);
    }

    [Fact]
    public async Task The_official_export_holds_the_judge_asked_for_or_refuses_one_the_run_has_not()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("r"), "--cache", "off")).ExitCode);
        var unknown = await Support.Cli.RunAsync("export", dir.Full("r"), "--format", "official", "--judge", "other", "--to", dir.Full("x"));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--judge other:", unknown.Error);
        Assert.Contains("was judged by mock", unknown.Error);
        Assert.Equal(0, (await Support.Cli.RunAsync("export", dir.Full("r"), "--format", "official", "--judge", "mock", "--to", dir.Full("y"))).ExitCode);
    }
}
