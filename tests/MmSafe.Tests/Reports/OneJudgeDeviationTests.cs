using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

/// <summary>
/// What a score, report, export or comparison says of the protocol concerns the target and the judge it scores by, not
/// another judge of the same run; and the notes of compare and eval name settings and judges as the user knows them.
/// </summary>
public sealed class OneJudgeDeviationTests
{
    private static async Task<string> JudgedTwiceAsync(TempDir dir, FakeModelServer server)
    {
        var data = RunFixture.WriteVlsBench(dir, 3);
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "target-model", "--base-url", server.BaseUrl.ToString(),
            "--judge", "judge-a", "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var second = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "judge-b", "--judge-base-url", server.BaseUrl.ToString(),
            "--judge-reasoning-allowance", "500", "--judge-unset", "temperature", "--cache", "off", "--json");
        Assert.True(second.ExitCode == 0, second.Error);
        return dir.Full("run");
    }

    private static List<string> Deviations(Support.Cli.Result score)
    {
        Assert.True(score.ExitCode == 0, score.Error);
        return [.. JsonNode.Parse(score.Output)!["deviations"]!.AsArray().Select(d => d!.GetValue<string>())];
    }

    [Fact]
    public async Task A_score_by_one_judge_lists_its_deviations_and_not_another_judges()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        var run = await JudgedTwiceAsync(dir, server);

        var byA = Deviations(await Support.Cli.RunAsync("score", run, "--judge", "judge-a", "--json"));
        Assert.DoesNotContain(byA, d => d.Contains("judge-b", StringComparison.Ordinal));
        Assert.Empty(Deviations(await Support.Cli.RunAsync("score", run, "--json"))); // the run's judge: judge-a, on the protocol
        var byB = Deviations(await Support.Cli.RunAsync("score", run, "--judge", "judge-b", "--json"));
        Assert.Contains("judge judge-b temperature not sent (protocol: 0)", byB);
        Assert.Contains(byB, d => d.StartsWith("judge judge-b reasoning allowance 500 tokens", StringComparison.Ordinal));
        // The majority stands on every judge: all of their deviations count.
        Assert.Contains("judge judge-b temperature not sent (protocol: 0)", Deviations(await Support.Cli.RunAsync("score", run, "--judge", "majority", "--json")));

        // The report and the exports score by the run's judge, compare too: judge-b's settings are not theirs.
        Assert.Equal(0, (await Support.Cli.RunAsync("report", run, "--out", dir.Full("a.html"))).ExitCode);
        Assert.DoesNotContain("judge-b temperature", File.ReadAllText(dir.Full("a.html")), StringComparison.Ordinal);
        Assert.Equal(0, (await Support.Cli.RunAsync("report", run, "--judge", "judge-b", "--out", dir.Full("b.html"))).ExitCode);
        Assert.Contains("judge judge-b temperature not sent", File.ReadAllText(dir.Full("b.html")), StringComparison.Ordinal);
        var md = await Support.Cli.RunAsync("export", run, "--format", "markdown", "--to", dir.Full("md"));
        Assert.True(md.ExitCode == 0, md.Error);
        Assert.DoesNotContain("judge-b temperature", File.ReadAllText(md.Output.Trim()), StringComparison.Ordinal);
        var compare = await Support.Cli.RunAsync("compare", run, "--json");
        Assert.DoesNotContain("judge-b temperature", compare.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("table")]
    [InlineData("markdown")]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task Compare_says_per_run_how_target_settings_differ_and_names_judges_as_the_judge_column_does(string format)
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var models = dir.File("models.yaml", "models:\n  strict:\n    provider: mock\n    model: mock/strict\n  lenient:\n    provider: mock\n    model: mock/lenient\n");
        var a = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "mock", "--judge", "strict", "--out", dir.Full("ra"), "--json");
        var b = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "mock", "--judge", "lenient", "--out", dir.Full("rb"), "--json",
            "--unset", "temperature", "--reasoning-allowance", "4096");
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Error + b.Error);

        var compare = await Support.Cli.RunAsync("compare", dir.Full("ra"), dir.Full("rb"), "--format", format);
        Assert.True(compare.ExitCode == 0, compare.Error);
        var text = format == "json" ? string.Join("\n", JsonNode.Parse(compare.Output)!["notes"]!.AsArray().Select(n => n!.GetValue<string>())) : compare.Output;
        var flat = string.Join(" ", text.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        Assert.Contains($"runs use different target settings ({dir.Full("ra")}: the protocol's settings; {dir.Full("rb")}: temperature not sent, reasoning allowance 4096)", flat);
        Assert.Contains("runs use different judges (strict (model mock/strict); lenient (model mock/lenient))", flat);
        Assert.DoesNotContain("\"Temperature\"", compare.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("SentMaxTokens", compare.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_eval_leaderboard_says_per_cell_how_target_settings_differ_in_every_file()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        dir.File("models.yaml", "models:\n  plain:\n    provider: mock\n    model: mock\n  roomy:\n    provider: mock\n    model: mock/b\n    parameters: { max_tokens: 64, reasoning_allowance: 1000 }\n");
        var file = dir.File("eval.yaml", $"out: out\nmodels_file: models.yaml\nmodels: [plain, roomy]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [mock]\ncache: off\n");
        var eval = await Support.Cli.RunAsync("eval", file);
        Assert.True(eval.ExitCode == 0, eval.Error);

        var flat = string.Join(" ", eval.Output.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        Assert.Contains(": max_tokens 64, reasoning allowance 1000)", flat);
        Assert.Contains(": the protocol's settings;", flat);
        var written = Directory.GetFiles(dir.Full("out"), "leaderboard.*", SearchOption.AllDirectories);
        Assert.Equal(4, written.Length);
        foreach (var path in written)
        {
            var content = File.ReadAllText(path);
            // leaderboard.tex carries the notes as LaTeX comments, escaped like every other text in it.
            Assert.Contains(path.EndsWith(".tex", StringComparison.Ordinal) ? @"max\_tokens 64, reasoning allowance 1000" : "max_tokens 64, reasoning allowance 1000", content);
            Assert.DoesNotContain("SentMaxTokens", content, StringComparison.Ordinal);
        }
    }
}
