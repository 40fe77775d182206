using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MmSafe.Benchmarks;
using MmSafe.Reports;
using MmSafe.Scoring;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>
/// Every command that reads results, with every format it offers, through the real command line: each must exit 0,
/// show no stack trace, exception or .NET type name, never print a negative zero, parse when it is JSON, and carry
/// the figures the table shows (the headline rate, the McNemar p, the cross-modal gap, κ and drift).
/// </summary>
public sealed partial class FormatMatrixTests(FormatMatrixFixture runs) : IClassFixture<FormatMatrixFixture>
{
    /// <summary>A figure as the library computed it; text formats show it through <see cref="Numbers"/>, JSON as a number.</summary>
    public sealed record Figure(double Value, bool IsP = false)
    {
        public string Text => IsP ? Numbers.PValue(Value) : Numbers.Points(Value);
    }

    /// <summary>A command line, what to read (stdout, or a file it writes) and the figures that must be in it.</summary>
    public sealed record Case(Func<FormatMatrixFixture, string[]> Args, bool Json, Func<FormatMatrixFixture, IEnumerable<Figure>> Figures,
        Func<FormatMatrixFixture, string>? File = null, params string[] Texts);

    private static IEnumerable<Figure> Rate(Rate r) => r.Percent is null ? [] : [new(r.Percent.Value), new(r.Low!.Value), new(r.High!.Value)];

    private static IEnumerable<Figure> Comparison(FormatMatrixFixture f) =>
        f.CrossModal.Rows.SelectMany(r => Rate(r.Rate))
            .Concat(f.CrossModal.Tests.SelectMany(t => new Figure[] { new(t.PValue, IsP: true), new(t.MinimumDetectable) }))
            .Concat(f.CrossModal.Gaps.Where(g => g.Category == "Overall").SelectMany(g => new Figure[] { new(g.Difference), new(g.Low), new(g.High), new(g.PValue, IsP: true) }));

    private static IEnumerable<Figure> Panel(FormatMatrixFixture f) =>
        f.PanelData.Judges.SelectMany(j => Rate(j.Headline))
            .Concat(f.PanelData.Pairs.SelectMany(p => new Figure[] { new(p.Agreement.Percent!.Value), new(p.Drift), new(p.DriftLow), new(p.DriftHigh), new(p.PValue, IsP: true), new(p.MinimumDetectable) }
                .Concat(double.IsNaN(p.Kappa.Value) ? [] : [new Figure(p.Kappa.Value)])))
            .Concat(f.PanelData.Fleiss is { } k ? [new Figure(k.Value)] : []);

    private static IEnumerable<Figure> SiuoHeadline(FormatMatrixFixture f) => Rate(f.SiuoData.Score.Sheet.HeadlineRate);

    private static IEnumerable<Figure> ResultsFile(string benchmark, string file) =>
        Rate(BenchmarkRegistry.Get(benchmark).ScoreResultsFile(Path.Combine(SampleData.Root, "examples", file), null).Sheet.HeadlineRate);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["score run table"] = new(f => ["score", f.Siuo], false, SiuoHeadline),
        ["score run --json"] = new(f => ["score", f.Siuo, "--json"], true, SiuoHeadline),
        ["score panel --judge (no image) table"] = new(f => ["score", f.Panel, "--judge", "mock-no-image"], false, f => Rate(f.PanelData.Judges.Single(j => !j.SeesImage).Headline)),
        ["score panel --judge (no image) --json"] = new(f => ["score", f.Panel, "--judge", "mock-no-image", "--json"], true, f => Rate(f.PanelData.Judges.Single(j => !j.SeesImage).Headline)),
        ["score panel --judge majority --json"] = new(f => ["score", f.Panel, "--judge", "majority", "--json"], true, _ => []),
        ["score siuo-gen file table"] = new(_ => ["score", "siuo-gen", Path.Combine(SampleData.Root, "examples", "siuo_gen-example-judged.json")], false, _ => ResultsFile("siuo-gen", "siuo_gen-example-judged.json")),
        ["score siuo-gen file --json"] = new(_ => ["score", "siuo-gen", Path.Combine(SampleData.Root, "examples", "siuo_gen-example-judged.json"), "--json"], true, _ => ResultsFile("siuo-gen", "siuo_gen-example-judged.json")),
        ["score siuo-mcqa file table"] = new(_ => ["score", "siuo-mcqa", Path.Combine(SampleData.Root, "examples", "siuo_mcqa-example.json")], false, _ => ResultsFile("siuo-mcqa", "siuo_mcqa-example.json")),
        ["score vlsbench file --json"] = new(_ => ["score", "vlsbench", Path.Combine(SampleData.Root, "examples", "vlsbench-example.json"), "--json"], true, _ => ResultsFile("vlsbench", "vlsbench-example.json")),
        ["compare table"] = new(f => ["compare", f.Official, f.TextOnly], false, Comparison, null, "Cross-modal gap", "McNemar"),
        ["compare markdown"] = new(f => ["compare", f.Official, f.TextOnly, "--format", "markdown"], false, Comparison, null, "Cross-modal gap", "McNemar"),
        ["compare csv"] = new(f => ["compare", f.Official, f.TextOnly, "--format", "csv"], false, Comparison, null, "gap_points", "mcnemar_p"),
        ["compare json"] = new(f => ["compare", f.Official, f.TextOnly, "--format", "json"], true, Comparison, null, "\"gaps\"", "\"mcnemar\""),
        ["compare --json"] = new(f => ["compare", f.Official, f.TextOnly, "--json"], true, Comparison, null, "\"gaps\"", "\"mcnemar\""),
        ["compare latex"] = new(f => ["compare", f.Official, f.TextOnly, "--format", "latex"], false, f => f.CrossModal.Rows.SelectMany(r => Rate(r.Rate)), null, "\\toprule", "\\bottomrule"),
        ["figures"] = new(f => ["figures", f.Official, f.TextOnly, "--out", f.Scratch("figures")], false, _ => [], null, "categories-vlsbench.svg", "gap-1.png"),
        ["figures --json"] = new(f => ["figures", f.Official, f.TextOnly, "--out", f.Scratch("figures-json"), "--json"], true, _ => [], null, "\"files\"", "gap-1.svg"),
        ["compare every run table"] = new(f => ["compare", f.Siuo, f.Panel, f.Official, f.TextOnly], false, SiuoHeadline),
        ["agreement table"] = new(f => ["agreement", f.Panel], false, Panel, null, "Agree % [95% CI]", "Fleiss"),
        ["agreement markdown"] = new(f => ["agreement", f.Panel, "--format", "markdown"], false, Panel, null, "Agree % [95% CI]", "Fleiss"),
        ["agreement --format json"] = new(f => ["agreement", f.Panel, "--format", "json"], true, Panel, null, "\"disagreements\""),
        ["agreement --json"] = new(f => ["agreement", f.Panel, "--json"], true, Panel, null, "\"fleiss_kappa\""),
        ["report html"] = new(f => ["report", f.Official, f.TextOnly, "--out", f.Scratch("report.html")], false, Comparison, f => f.Scratch("report.html")),
        ["report panel html"] = new(f => ["report", f.Panel, "--out", f.Scratch("panel.html")], false, Panel, f => f.Scratch("panel.html"), "Judge panel"),
        ["export markdown"] = new(f => ["export", f.Siuo, "--format", "markdown", "--to", f.Scratch("md")], false, SiuoHeadline, f => Path.Combine(f.Scratch("md"), "report.md")),
        ["export json"] = new(f => ["export", f.Siuo, "--format", "json", "--to", f.Scratch("json")], true, SiuoHeadline, f => Path.Combine(f.Scratch("json"), "report.json")),
        ["export csv"] = new(f => ["export", f.Siuo, "--format", "csv", "--to", f.Scratch("csv")], false, _ => [], f => Path.Combine(f.Scratch("csv"), "report.csv"), "item_id"),
        ["export official"] = new(f => ["export", f.Siuo, "--format", "official", "--to", f.Scratch("official")], false, _ => []),
        ["export csv --judge (no image)"] = new(f => ["export", f.Panel, "--format", "csv", "--judge", "mock-no-image", "--to", f.Scratch("csv-judge")], false, _ => [],
            f => Path.Combine(f.Scratch("csv-judge"), "report.csv"), "mock-no-image"),
        ["export jsonl"] = new(f => ["export", f.Panel, "--format", "jsonl", "--to", f.Scratch("jsonl")], false, _ => [], f => Path.Combine(f.Scratch("jsonl"), "samples.jsonl"), "\"schema_version\":1", "\"parsed\"", "mock-no-image"),
        ["labels export"] = new(f => ["labels", "export", f.Panel, "--count", "3", "--out", f.Scratch("sheet.csv")], false, _ => [], f => f.Scratch("sheet.csv"), "human_label"),
        ["data check siuo"] = new(_ => ["data", "check", SampleData.Siuo], false, _ => [], null, "SIUO"),
        ["data check vlsbench"] = new(_ => ["data", "check", SampleData.VlsBench], false, _ => [], null, "VLSBench"),
        ["models check mock"] = new(_ => ["models", "check", "--model", "mock", "--judge", "mock"], false, _ => [], null, "mock"),
        ["models check --json"] = new(_ => ["models", "check", "--model", "mock", "--judge", "mock", "--json"], true, _ => [], null, "\"models_file_entry\"", "\"reasons\""),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Every_command_and_format_exits_cleanly_and_carries_the_figures(string name)
    {
        var c = Cases[name];
        var result = await Support.Cli.RunAsync(c.Args(runs));
        Assert.True(result.ExitCode == 0, $"{name}: exit {result.ExitCode}: {result.Error}");
        var shown = c.File is null ? result.Output : File.ReadAllText(c.File(runs));
        AssertClean(name, result.Output + result.Error + shown);
        foreach (var text in c.Texts) Assert.Contains(text, shown);
        if (c.Json)
        {
            var numbers = Leaves(JsonNode.Parse(shown)).ToList();
            foreach (var figure in c.Figures(runs))
                Assert.True(numbers.Any(n => Math.Abs(n - figure.Value) <= (figure.IsP ? 1e-4 : 0.006)), $"{name}: {figure.Value} is not in the JSON");
        }
        else
        {
            foreach (var figure in c.Figures(runs)) Assert.Contains(figure.Text, shown);
        }
    }

    [Fact]
    public void A_judge_added_to_a_run_prints_its_drift_from_the_runs_judge()
    {
        var pair = runs.PanelData.Pairs.Single(p => p.First == "mock" && p.Second == "mock-no-image");
        AssertClean("judge --without-image", runs.BlindJudgeError);
        Assert.Contains($"drift: mock-no-image minus mock on the same {pair.Items} items: {Numbers.Points(-pair.Drift)} points [{Numbers.Points(-pair.DriftHigh)}, {Numbers.Points(-pair.DriftLow)}]", runs.BlindJudgeError);
    }

    [Fact]
    public void The_report_page_of_several_runs_carries_the_figures()
    {
        var page = MmSafe.Reports.Html.HtmlReport.Render([RunReportData.Load(runs.Official), RunReportData.Load(runs.TextOnly)]);
        AssertClean("report", page);
        foreach (var figure in Comparison(runs)) Assert.Contains(figure.Text, page);
    }

    [Fact]
    public async Task An_evaluations_leaderboard_files_carry_the_cross_modal_gap()
    {
        var file = runs.Scratch("eval.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $"out: {runs.Scratch("eval")}\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {SampleData.VlsBench} }}\njudges: [mock]\nconditions: [official, text-only]\ncache: off\n");
        var result = await Support.Cli.RunAsync("eval", file);
        Assert.True(result.ExitCode == 0, result.Error);
        AssertClean("eval", result.Output + result.Error);
        Assert.Contains("Cross-modal gap", result.Output);
        string Read(string name) => File.ReadAllText(Directory.EnumerateFiles(runs.Scratch("eval"), name, SearchOption.AllDirectories).Single());
        Assert.Contains("Cross-modal gap", Read("leaderboard.md"));
        Assert.Contains("gap_points", Read("leaderboard.csv"));
        Assert.NotEmpty(JsonNode.Parse(Read("leaderboard.json"))!["gaps"]!.AsArray());
        Assert.Contains("\\bottomrule", Read("leaderboard.tex"));
        foreach (var name in new[] { "leaderboard.md", "leaderboard.csv", "leaderboard.json", "leaderboard.tex" }) AssertClean(name, Read(name));
    }

    /// <summary>No stack trace, no exception, no .NET type name, no negative zero.</summary>
    internal static void AssertClean(string name, string text)
    {
        Assert.False(text.Contains("Exception", StringComparison.Ordinal) || text.Contains("   at ", StringComparison.Ordinal), $"{name}: {text}");
        Assert.False(TypeName().IsMatch(text), $"{name}: a .NET type name in: {text}");
        Assert.False(NegativeZero().IsMatch(text), $"{name}: a negative zero in: {text}");
    }

    private static IEnumerable<double> Leaves(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value)),
        JsonArray a => a.SelectMany(Leaves),
        JsonValue v when v.TryGetValue<double>(out var d) => [d],
        _ => [],
    };

    [GeneratedRegex(@"\b(System|Microsoft|Spectre|MmSafe)\.[A-Z][A-Za-z]+\.[A-Z]")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"(?<![\w.])-0(?:\.0+)?(?![\d.])")]
    private static partial Regex NegativeZero();
}
