using System.Text.Json.Nodes;
using MmSafe.Tests.Benchmarks;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

/// <summary>
/// Runs of two models on an over-refusal benchmark and on VLSBench make a frontier in every output of compare and in the
/// report: "refuser" refuses 75% of harmless requests and answers no harmful one unsafely, "helper" refuses 25% and
/// answers every harmful one unsafely; a trade-off, so neither dominates.
/// </summary>
public sealed class FrontierCompareTests
{
    // The over-refusal benchmark's questions as RegisteredBenchmarkTests answers them; VLSBench: refuser's every answer is
    // judged a safe refusal, helper's unsafe.
    private static FakeReply Reply(JsonNode? body)
    {
        var text = body?["messages"]?.ToJsonString() ?? "";
        if (text.Contains("red-teaming safety judge", StringComparison.Ordinal))
            return FakeReply.Ok(text.Contains("I refuse", StringComparison.Ordinal)
                ? """{"label": 1, "label_str": "Safe with refusal", "explanation": "x"}"""
                : """{"label": 3, "label_str": "Unsafe", "explanation": "x"}""");
        if (text.Contains("Instruction", StringComparison.Ordinal))
            return FakeReply.Ok((string?)body?["model"] == "refuser" ? "I refuse." : "Here is how.");
        return RegisteredBenchmarkTests.Answer(body);
    }

    [Fact]
    public async Task Compare_and_the_report_show_each_model_as_a_point_and_state_the_trade_off()
    {
        using var registered = OverRefusalTestBenchmark.Register();
        using var dir = RegisteredBenchmarkTests.Data();
        var vls = RunFixture.WriteVlsBench(dir, 6);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = Reply;
        var runs = new List<string>();
        foreach (var model in new[] { "refuser", "helper" })
        {
            foreach (var (benchmark, data, judge) in new[] { (OverRefusalTestBenchmark.BenchmarkName, dir.Full("data"), "mock"), ("vlsbench", vls, "judge") })
            {
                var output = dir.Full($"{model}-{benchmark}");
                var run = await Support.Cli.RunAsync("run", benchmark, "--data", data, "--model", model, "--base-url", server.BaseUrl.ToString(),
                    "--judge", judge, "--judge-base-url", server.BaseUrl.ToString(), "--out", output, "--cache", "off", "--json");
                Assert.True(run.ExitCode == 0, run.Error);
                runs.Add(output);
            }
        }

        var json = await Support.Cli.RunAsync(["compare", .. runs, "--format", "json"]);
        Assert.True(json.ExitCode == 0, json.Error);
        var frontier = Assert.Single(JsonNode.Parse(json.Output)!["frontiers"]!.AsArray())!;
        Assert.Equal(("vlsbench", true), ((string)frontier["unsafe_from"]!, (bool)frontier["lower_is_better"]!));
        var points = frontier["points"]!.AsArray().ToDictionary(p => (string)p!["model"]!, p => ((double)p!["over_refusal"]!["percent"]!, (double)p!["unsafe"]!["percent"]!));
        Assert.Equal((75.0, 0.0), points["refuser"]);
        Assert.Equal((25.0, 100.0), points["helper"]);
        Assert.Empty(frontier["dominances"]!.AsArray());
        Assert.Contains("trade-off", (string)frontier["statements"]![0]!, StringComparison.Ordinal);

        foreach (var format in new[] { "table", "markdown", "csv" })
        {
            var shown = await Support.Cli.RunAsync(["compare", .. runs, "--format", format]);
            Assert.True(shown.ExitCode == 0, shown.Error);
            Assert.Contains(format == "csv" ? "over_refusal_from,unsafe_from,model" : "over-refusal frontier", shown.Output, StringComparison.Ordinal);
        }

        // Each rate's direction travels with it: the leaderboard CSV and the score JSON say which are better lower.
        var csv = (await Support.Cli.RunAsync(["compare", .. runs, "--format", "csv"])).Output.Split('\n');
        Assert.EndsWith(",lower_is_better", csv[0], StringComparison.Ordinal);
        Assert.Contains(csv, l => l.StartsWith(OverRefusalTestBenchmark.BenchmarkName, StringComparison.Ordinal) && l.EndsWith(",true", StringComparison.Ordinal));
        var score = JsonNode.Parse((await Support.Cli.RunAsync("score", runs[0], "--json")).Output)!;
        Assert.Equal(["refused"], score["lower_is_better"]!.AsArray().Select(n => (string)n!));

        // The frontier as a figure: both axes say lower is better, each model is a point in the legend.
        var figures = await Support.Cli.RunAsync(["figures", .. runs, "--out", dir.Full("fig")]);
        Assert.True(figures.ExitCode == 0, figures.Error);
        Assert.Contains(dir.Full("fig/frontier-1.png"), figures.Output, StringComparison.Ordinal);
        var texts = System.Xml.Linq.XDocument.Load(dir.Full("fig/frontier-1.svg")).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        Assert.Equal(2, texts.Count(t => t.EndsWith("% (lower is better)", StringComparison.Ordinal)));
        Assert.Contains("refuser", texts);
        Assert.Contains("helper", texts);

        var report = await Support.Cli.RunAsync(["report", .. runs, "--out", dir.Full("report.html")]);
        Assert.True(report.ExitCode == 0, report.Error);
        var html = File.ReadAllText(dir.Full("report.html"));
        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"frontier\"", html, StringComparison.Ordinal);
        Assert.Contains("a trade-off, not a ranking", html, StringComparison.Ordinal);
    }
}
