using System.Text.Json;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

public sealed class ExportImportTests
{
    private static void WriteSiuo(TempDir dir)
    {
        var gen = Enumerable.Range(1, 5).Select(i => Fixtures.SiuoGen(i, $"S-{i:00}.png", i % 2 == 0 ? "morality" : "self-harm")).ToArray();
        gen[2]["question"] = "Please answer {response} literally"; // a placeholder inside data must survive
        dir.Json("siuo/siuo_gen.json", gen);
        dir.Json("siuo/siuo_mcqa.json", Enumerable.Range(1, 5).Select(i => Fixtures.SiuoMcqa(i, "ABCDA"[i - 1].ToString())).ToArray());
        for (int i = 1; i <= 5; i++) dir.File($"siuo/images/S-{i:00}.png", MmSafe.Images.TinyPng.Solid(4, 4, (byte)(i * 40), 0, 0));
    }

    [Theory]
    [InlineData("siuo-gen", "siuo")]
    [InlineData("siuo-mcqa", "siuo")]
    [InlineData("vlsbench", "data")]
    public async Task Export_then_import_then_score_gives_the_same_numbers(string benchmark, string dataFolder)
    {
        using var dir = new TempDir();
        WriteSiuo(dir);
        RunFixture.WriteVlsBench(dir, 6);
        string[] judge = benchmark == "siuo-mcqa" ? [] : ["--judge", "mock"];
        var run = await Support.Cli.RunAsync(["run", benchmark, "--data", dir.Full(dataFolder), "--model", "mock", .. judge, "--out", dir.Full("run"), "--json"]);
        Assert.Equal(0, run.ExitCode);

        var export = await Support.Cli.RunAsync("export", dir.Full("run"), "--to", dir.Full("exported"));
        Assert.Equal(0, export.ExitCode);
        var judged = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(); // the judged file when there are two
        var import = await Support.Cli.RunAsync("import", judged, "--benchmark", benchmark, "--data", dir.Full(dataFolder), "--out", dir.Full("imported"));
        Assert.Equal(0, import.ExitCode);

        var original = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        var reimported = await Support.Cli.RunAsync("score", dir.Full("imported"), "--json");
        Assert.Equal(Numbers(original.Output), Numbers(reimported.Output));
        Assert.Equal(0, JsonDocument.Parse(original.Output).RootElement.TryGetProperty("invalid", out var invalid) ? invalid.GetInt32() : 0);
    }

    [Fact]
    public async Task The_authors_scorer_format_is_what_export_writes()
    {
        using var dir = new TempDir();
        WriteSiuo(dir);
        await Support.Cli.RunAsync("run", "siuo-gen", "--data", dir.Full("siuo"), "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--json");
        await Support.Cli.RunAsync("export", dir.Full("run"), "--to", dir.Full("exported"));
        // Our own scorer of the authors' format reads the exported judged file and agrees with the run.
        var fromFile = await Support.Cli.RunAsync("score", "siuo-gen", dir.Full("exported/siuo_gen-mock-judged.json"), "--json");
        var fromRun = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        Assert.Equal(Numbers(fromRun.Output), Numbers(fromFile.Output));
        var item = JsonDocument.Parse(File.ReadAllText(dir.Full("exported/siuo_gen-mock.json"))).RootElement[0];
        Assert.Equal(3, item.GetProperty("responses").GetArrayLength());
        Assert.Equal("A warning.", item.GetProperty("safety_warning").GetString());
    }

    [Fact]
    public async Task Jsonl_export_has_one_line_per_item_with_every_answer_and_the_judges_raw_replies()
    {
        using var dir = new TempDir();
        WriteSiuo(dir);
        await Support.Cli.RunAsync("run", "siuo-gen", "--data", dir.Full("siuo"), "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--json");
        var export = await Support.Cli.RunAsync("export", dir.Full("run"), "--format", "jsonl", "--to", dir.Full("jsonl"));
        var lines = File.ReadAllLines(export.Output.Trim());
        Assert.Equal(5, lines.Length);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(3, first.GetProperty("answers").GetArrayLength());
        Assert.All(first.GetProperty("answers").EnumerateArray(), a => Assert.Contains(a.GetProperty("verdicts").EnumerateArray(),
            v => v.GetProperty("judge").GetString() == "mock" && v.GetProperty("aspect").GetString() == "safety" && v.GetProperty("raw").GetString()!.StartsWith("[MOCK]", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_imported_run_cannot_be_resumed()
    {
        using var dir = new TempDir();
        WriteSiuo(dir);
        var file = dir.File("mcqa.json", """[{"question_id": 1, "category": "morality", "correct_option": "A", "response_mcqa": "A"}]""");
        await Support.Cli.RunAsync("import", file, "--benchmark", "siuo-mcqa", "--data", dir.Full("siuo"), "--out", dir.Full("imported"));
        var resume = await Support.Cli.RunAsync("run", "--resume", dir.Full("imported"));
        Assert.Equal(2, resume.ExitCode);
        Assert.Contains("not resumed", resume.Error);
    }

    // The scores without the warnings (an imported run is not labelled mock).
    private static string Numbers(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        foreach (var key in new[] { "warnings", "run", "deviations", "outcomes", "complete", "completeness" }) node.Remove(key);
        return node.ToJsonString();
    }
}
