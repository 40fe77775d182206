using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>
/// At 80 columns (COLUMNS=80, piped) every table is readable: no word, name or number is split across lines, and no
/// interval is broken in two. Each command runs as its own process, so COLUMNS is its alone.
/// </summary>
public sealed class NarrowConsoleTests
{
    private static readonly Dictionary<string, string> Narrow = new() { ["COLUMNS"] = "80", ["NO_COLOR"] = "1" };

    private static async Task<string[]> NarrowAsync(params string[] args)
    {
        var result = await CliProcess.RunAsync(Narrow, args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: exit {result.ExitCode}: {result.Error}");
        var lines = result.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: '{l}'"));
        // An interval opened on a line closes on it.
        Assert.All(lines, l => Assert.True(l.Count(c => c == '[') == l.Count(c => c == ']'), $"an interval is split: '{l}'"));
        return lines;
    }

    private static void Whole(string[] lines, params string[] tokens)
    {
        foreach (var token in tokens) Assert.True(lines.Any(l => l.Contains(token, StringComparison.Ordinal)), $"'{token}' is not whole on any line:\n{string.Join('\n', lines)}");
    }

    private static async Task<string> RunAsync(TempDir dir, string name, params string[] more)
    {
        var result = await Support.Cli.RunAsync(["run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full(name), "--cache", "off", "--json", .. more]);
        Assert.True(result.ExitCode == 0, result.Error);
        return dir.Full(name);
    }

    [Fact]
    public async Task Compare_keeps_headers_conditions_categories_and_intervals_whole()
    {
        using var dir = new TempDir();
        var official = await RunAsync(dir, "official");
        var textOnly = await RunAsync(dir, "text", "--condition", "text-only");
        var lines = await NarrowAsync("compare", official, textOnly);
        var json = JsonNode.Parse((await Support.Cli.RunAsync("compare", official, textOnly, "--json")).Output)!;
        Whole(lines, "Benchmark", "Condition", "text-only", "Self-Harm", "Privacy", "official", official, textOnly);
        foreach (var gap in json["gaps"]!.AsArray())
            Whole(lines, $"[{(double)gap!["ci_low"]!:F2},{(double)gap["ci_high"]!:F2}]");
        // A row of the gap table takes at most two lines, not four.
        Assert.Equal(json["gaps"]!.AsArray().Count, lines.Count(l => l.StartsWith("Conditions: official - text-only", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Agreement_keeps_each_interval_on_one_line()
    {
        using var dir = new TempDir();
        var panel = await RunAsync(dir, "panel", "--judge", "mock/cautious");
        var lines = await NarrowAsync("agreement", panel);
        var pair = JsonNode.Parse((await Support.Cli.RunAsync("agreement", panel, "--json")).Output)!["pairs"]![0]!;
        var drift = pair["drift_ci95"]!.AsArray();
        Whole(lines, "mock/cautious", "Cohen's κ [95% CI]", $"[{(double)drift[0]!:F2}, {(double)drift[1]!:F2}]", "McNemar p");
    }

    [Fact]
    public async Task Score_keeps_sub_categories_and_their_header_whole()
    {
        using var dir = new TempDir();
        var run = await RunAsync(dir, "run");
        var lines = await NarrowAsync("score", run);
        Whole(lines, "Sub-category", "Weapon-Related", "Unauthorized", "Collection", "Self-Harm", "Refusal %", "Warning %");
        Assert.DoesNotContain(lines, l => l.Contains('…'));
    }

    [Fact]
    public async Task The_eval_plan_keeps_model_names_whole()
    {
        using var dir = new TempDir();
        var file = dir.File("eval.yaml", $"out: {dir.Full("out")}\nmodels: [mock, mock/cautious]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {SampleData.VlsBench} }}\njudges: [mock]\ncache: off\n");
        var lines = await NarrowAsync("eval", file, "--dry-run");
        Whole(lines, "mock/cautious", "Total", "13,008", "26,016");
    }

    [Fact]
    public async Task The_run_summary_headers_take_no_more_than_two_lines()
    {
        using var dir = new TempDir();
        var lines = await NarrowAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off");
        Whole(lines, "Requests this session", "Requests", "Failed", "latency", "Cached");
        int header = Array.FindIndex(lines, l => l.Contains("│ Role", StringComparison.Ordinal));
        Assert.True(header > 0, string.Join('\n', lines));
        Assert.StartsWith("├", lines[header + 2]);
    }
}
