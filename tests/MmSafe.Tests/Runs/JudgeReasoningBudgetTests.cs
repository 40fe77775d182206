using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// A thinking judge behind vLLM whose <c>&lt;think&gt;</c> never closes (finish_reason length): every verdict is
/// emptied by the budget spent on reasoning. run, score (table and --json) and report say so and name
/// --judge-reasoning-allowance, where they showed only "unreadable" counts and pointed at a list that was empty.
/// </summary>
public sealed class JudgeReasoningBudgetTests
{
    private const string Warning = "3 verdicts of judge judge-vlm were emptied by the judge's token budget spent on hidden reasoning";

    [Fact]
    public async Task Verdicts_emptied_by_the_judges_reasoning_are_explained_in_run_score_and_report()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        await using var target = await FakeModelServer.StartAsync();
        await using var judge = await FakeModelServer.StartAsync();
        target.Responder = body => RunFixture.Answer(body);
        judge.Responder = ReasoningServers.UnclosedThink;
        var models = dir.File("models.yaml", $"""
            models:
              t:
                model: target-vlm
                base_url: {target.BaseUrl}
              judge-vlm:
                model: judge-vlm
                base_url: {judge.BaseUrl}
            """);

        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "t", "--judge", "judge-vlm",
            "--out", dir.Full("run"), "--cache", "off");
        Assert.Equal(3, judge.Count);
        Assert.Contains(Warning, Flat(run.Output + run.Error));
        Assert.Contains("--judge-reasoning-allowance N", Flat(run.Output + run.Error));
        Assert.DoesNotContain("listed with their reasons", run.Error, StringComparison.Ordinal);

        var table = await Support.Cli.RunAsync("score", dir.Full("run"));
        Assert.Contains(Warning, Flat(table.Output + table.Error));
        var json = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        var warnings = JsonNode.Parse(json.Output)!["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Contains(warnings, w => w.StartsWith(Warning, StringComparison.Ordinal) && w.Contains("--judge-reasoning-allowance N", StringComparison.Ordinal));

        var report = await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("r.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Contains(Warning.Replace("'", "&#39;", StringComparison.Ordinal), File.ReadAllText(dir.Full("r.html")), StringComparison.Ordinal);
    }

    // Tables wrap long lines: compare words, not layout.
    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '│', '|'], StringSplitOptions.RemoveEmptyEntries));
}
