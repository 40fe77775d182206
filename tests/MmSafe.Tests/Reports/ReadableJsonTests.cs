using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

/// <summary>JSON a person reads (messages quoting recorded values, --json outputs, exports) shows "+" and "é" as typed; control characters stay escaped.</summary>
public sealed class ReadableJsonTests
{
    private const string Model = "mock/v2+ü";

    [Fact]
    public async Task Merge_names_a_recorded_value_as_it_was_typed()
    {
        using var dir = new TempDir();
        var first = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", Model, "--judge", "mock", "--shard", "1/2", "--out", dir.Full("a"), "--cache", "off", "--json");
        Assert.True(first.ExitCode == 0, first.Error);
        var second = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--shard", "2/2", "--out", dir.Full("b"), "--cache", "off", "--json");
        Assert.True(second.ExitCode == 0, second.Error);

        var merge = await Support.Cli.RunAsync("merge", dir.Full("m"), dir.Full("a"), dir.Full("b"));
        Assert.Equal(2, merge.ExitCode);
        Assert.Contains($"recorded \"{Model}\"", merge.Error);
        Assert.DoesNotContain("\\u", merge.Error);

        // The same words when a run directory is given other settings.
        var again = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--shard", "1/2", "--out", dir.Full("a"), "--cache", "off");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains($"recorded \"{Model}\", now \"mock\"", again.Error);
    }

    [Fact]
    public async Task Json_outputs_show_plus_signs_and_letters_as_typed()
    {
        using var dir = new TempDir();
        var run = dir.Full("runs+é");
        var made = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", Model, "--judge", "mock", "--out", run, "--cache", "off", "--json");
        Assert.True(made.ExitCode == 0, made.Error);
        var score = await Support.Cli.RunAsync("score", run, "--json");
        var compare = await Support.Cli.RunAsync("compare", run, "--format", "json");
        var export = await Support.Cli.RunAsync("export", run, "--format", "json", "--to", dir.Full("export"));
        Assert.True(export.ExitCode == 0, export.Error);
        foreach (var json in new[] { made.Output, score.Output, compare.Output, File.ReadAllText(Path.Combine(dir.Full("export"), "report.json")) })
        {
            Assert.NotNull(JsonNode.Parse(json));
            Assert.Contains("runs+é", json);
            Assert.Contains(Model, json);
            Assert.DoesNotContain("\\u002B", json);
            Assert.DoesNotContain("\\u00E9", json);
        }
    }

    [Fact]
    public void Control_characters_stay_escaped() =>
        Assert.Equal("\"a\\u001B[31mb\\u009Bc\\u007F\"", System.Text.Json.JsonSerializer.Serialize("a\u001b[31mb\u009bc\u007f", ReadableJson.Compact));
}
