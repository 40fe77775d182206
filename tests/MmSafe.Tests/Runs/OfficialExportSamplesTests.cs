using System.Text.Json;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// A run with several answers per item and its export in the authors' format score the same: the official file holds
/// every answer, and the one answer the authors' scripts read carries the item's combined verdict.
/// </summary>
public sealed class OfficialExportSamplesTests
{
    private static void WriteSiuo(TempDir dir, int items)
    {
        dir.Json("siuo/siuo_gen.json", Enumerable.Range(1, items).Select(i => Fixtures.SiuoGen(i, $"S-{i:00}.png", i % 2 == 0 ? "morality" : "self-harm")).ToArray());
        dir.Json("siuo/siuo_mcqa.json", Enumerable.Range(1, items).Select(i => Fixtures.SiuoMcqa(i, "ABCD"[i % 4].ToString())).ToArray());
        for (int i = 1; i <= items; i++) dir.File($"siuo/images/S-{i:00}.png", MmSafe.Images.TinyPng.Solid(4, 4, (byte)(i * 10), 0, 0));
    }

    [Theory]
    [InlineData("siuo-gen", 1)]
    [InlineData("siuo-gen", 2)]
    [InlineData("siuo-gen", 3)]
    [InlineData("siuo-mcqa", 1)]
    [InlineData("siuo-mcqa", 2)]
    [InlineData("siuo-mcqa", 3)]
    [InlineData("vlsbench", 1)]
    [InlineData("vlsbench", 2)]
    [InlineData("vlsbench", 3)]
    public async Task Scoring_the_exported_official_file_gives_the_runs_numbers_for_any_samples_count(string benchmark, int samples)
    {
        using var dir = new TempDir();
        WriteSiuo(dir, 24);
        RunFixture.WriteVlsBench(dir, 24);
        var data = dir.Full(benchmark == "vlsbench" ? "data" : "siuo");
        string[] judge = benchmark == "siuo-mcqa" ? [] : ["--judge", "mock"];
        var run = await Support.Cli.RunAsync(["run", benchmark, "--data", data, "--model", "mock", .. judge, "--samples", $"{samples}",
            "--out", dir.Full("run"), "--json", "--cache", "off"]);
        Assert.True(run.ExitCode == 0, run.Error);
        var export = await Support.Cli.RunAsync("export", dir.Full("run"), "--to", dir.Full("exported"));
        Assert.True(export.ExitCode == 0, export.Error);
        var file = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(); // the judged file when there are two

        var fromRun = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        string[] withData = benchmark == "vlsbench" ? ["--data", data] : [];
        var fromFile = await Support.Cli.RunAsync(["score", benchmark, file, .. withData, "--json"]);
        Assert.True(fromFile.ExitCode == 0, fromFile.Error);
        Assert.Equal(Rates(fromRun.Output), Rates(fromFile.Output));

        // What the authors' scripts read, one answer and one label per item, also gives the run's headline rate.
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        var records = (node is System.Text.Json.Nodes.JsonObject o ? o["logs"]! : node).AsArray();
        foreach (var record in records) foreach (var extra in new[] { "responses_mcqa", "pred_answers", "safe_labels" }) record!.AsObject().Remove(extra);
        var single = dir.File("single.json", node.ToJsonString());
        var fromSingle = await Support.Cli.RunAsync(["score", benchmark, single, .. withData, "--json"]);
        string headline = benchmark == "siuo-mcqa" ? "accuracy" : "safe";
        Assert.Equal(Headline(fromRun.Output, headline), Headline(fromSingle.Output, headline));
        if (benchmark == "vlsbench") Assert.Equal(Headline(fromRun.Output, "safe"), node["stats"]!["safe_rate"]!.GetValue<double>());

        // And imported back, it scores as the run.
        var import = await Support.Cli.RunAsync("import", file, "--benchmark", benchmark, "--data", data, "--out", dir.Full("imported"));
        Assert.True(import.ExitCode == 0, import.Error);
        var imported = await Support.Cli.RunAsync("score", dir.Full("imported"), "--json");
        Assert.Equal(Rates(fromRun.Output), Rates(imported.Output));
    }

    private static double Headline(string json, string key) => JsonDocument.Parse(json).RootElement.GetProperty(key).GetDouble();

    // Every rate, count and bound, overall and per group; not the run's own fields (spec, outcomes, warnings).
    private static string Rates(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        foreach (var key in new[] { "warnings", "run", "deviations", "outcomes", "complete", "completeness" }) node.Remove(key);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
