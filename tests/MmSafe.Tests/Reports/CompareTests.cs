using MmSafe.Scoring;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

public sealed class CompareTests
{
    [Theory]
    [InlineData(0, 0, 1.0)]
    [InlineData(10, 0, 0.001953125)]       // 2 * 0.5^10
    [InlineData(5, 5, 1.0)]
    [InlineData(3, 12, 0.03515625)]        // 2 * (1 + 15 + 105 + 455) / 2^15
    [InlineData(4, 1, 0.375)]              // 2 * (1 + 5) / 2^5
    public void Exact_mcnemar_p_values(int onlyFirst, int onlySecond, double expected) =>
        Assert.Equal(expected, McNemar.ExactP(onlyFirst, onlySecond), 10);

    [Fact]
    public void Exact_mcnemar_handles_large_samples() =>
        Assert.InRange(McNemar.ExactP(1000, 1100), 0.02, 0.04); // normal approximation: z = 2.18, p = 0.029

    private static async Task<string> ImportAsync(TempDir dir, string name, string judge, int[] labels)
    {
        var logs = labels.Select((label, id) => new { id, question = $"Instruction {id}", pred_answer = "x", safe_label = label });
        var file = dir.Json($"{name}.json", new { stats = new { }, logs });
        var result = await Support.Cli.RunAsync("import", file, "--benchmark", "vlsbench", "--data", dir.Full("data"), "--out", dir.Full(name), "--model", name, "--judge", judge);
        Assert.Equal(0, result.ExitCode);
        return dir.Full(name);
    }

    [Fact]
    public async Task Ranks_runs_tests_them_pairwise_and_flags_different_judges()
    {
        using var dir = new TempDir();
        RunFixture.WriteVlsBench(dir, 6);
        var a = await ImportAsync(dir, "model-a", "judge-x", [1, 1, 1, 1, 3, 3]);
        var b = await ImportAsync(dir, "=model-b", "judge-y", [3, 3, 3, 3, 3, 1]);

        var md = await Support.Cli.RunAsync("compare", b, a, "--format", "markdown");
        Assert.Equal(0, md.ExitCode);
        var lines = md.Output.Split('\n');
        Assert.Contains("| vlsbench | model-a | official | judge-x | safe | 66.67 |", md.Output);
        Assert.True(Array.FindIndex(lines, l => l.Contains("| model-a |")) < Array.FindIndex(lines, l => l.Contains("| =model-b |")), "sorted by rate");
        Assert.Contains("| 6 | 1 | 4 | 0.3750 |", md.Output); // b first: only B 1, only A 4
        Assert.Contains("different judges", md.Output);

        var csv = await Support.Cli.RunAsync("compare", a, b, "--format", "csv");
        Assert.Contains("vlsbench,'=model-b,official,judge-y,safe,16.67,", csv.Output); // no formula in a spreadsheet

        var table = await Support.Cli.RunAsync("compare", a, b);
        Assert.Contains("Leaderboard", table.Output);
        Assert.Contains("McNemar", table.Output);
    }

    [Fact]
    public async Task Runs_that_share_no_scored_item_get_no_paired_test_and_a_run_is_not_compared_with_itself()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        var good = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("good"), "--cache", "off", "--json");
        Assert.True(good.ExitCode == 0, good.Error);
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(400); // every target request fails: nothing is scored
        var dead = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "m", "--base-url", server.BaseUrl.ToString(), "--judge", "mock",
            "--out", dir.Full("dead"), "--cache", "off", "--json");
        Assert.Equal(3, dead.ExitCode);

        var json = await Support.Cli.RunAsync("compare", dir.Full("good"), dir.Full("dead"), "--format", "json");
        Assert.True(json.ExitCode == 0, json.Error);
        using var document = System.Text.Json.JsonDocument.Parse(json.Output);
        Assert.Empty(document.RootElement.GetProperty("mcnemar").EnumerateArray()); // no McNemar over zero items
        Assert.Contains("share no scored item", json.Output);

        var self = await Support.Cli.RunAsync("compare", dir.Full("good"), dir.Full("good") + "/");
        Assert.Equal(2, self.ExitCode);
        Assert.Contains("a run compared with itself says nothing", self.Error);
        File.CreateSymbolicLink(dir.Full("link"), dir.Full("good"));
        var linked = await Support.Cli.RunAsync("compare", dir.Full("good"), dir.Full("link"));
        Assert.Equal(2, linked.ExitCode);
        Assert.Contains("hold the same run (a link or a copy)", linked.Error);
    }

    [Fact]
    public async Task Json_is_the_same_as_format_json_and_does_not_go_with_another_format()
    {
        using var dir = new TempDir();
        RunFixture.WriteVlsBench(dir, 6);
        var a = await ImportAsync(dir, "model-a", "judge-x", [1, 1, 1, 1, 3, 3]);
        var b = await ImportAsync(dir, "model-b", "judge-x", [3, 3, 3, 3, 3, 1]);

        var json = await Support.Cli.RunAsync("compare", a, b, "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        Assert.Equal((await Support.Cli.RunAsync("compare", a, b, "--format", "json")).Output, json.Output);
        using (System.Text.Json.JsonDocument.Parse(json.Output)) { }
        Assert.Equal(0, (await Support.Cli.RunAsync("compare", a, b, "--json", "--format", "json")).ExitCode);

        var both = await Support.Cli.RunAsync("compare", a, b, "--json", "--format", "csv");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--json and --format csv ask for two formats", both.Error);
        Assert.Empty(both.Output);
    }
}
