using MmSafe.Reports;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

/// <summary><c>compare --format latex</c>: a booktabs table from stored runs, names escaped, the best rate of a benchmark in bold.</summary>
public sealed class LatexTableTests
{
    private const string Evil = @"evil_&%$#{}~^\input{x}";

    [Fact]
    public async Task The_leaderboard_is_a_booktabs_table_with_names_escaped_and_the_best_in_bold()
    {
        using var dir = new TempDir();
        var hostile = await HostileRun.CreateAsync(dir, Evil);
        var mock = dir.Full("mock");
        var run = await Support.Cli.RunAsync("run", "siuo-gen", "--data", SampleData.Siuo, "--model", "mock", "--judge", "mock", "--out", mock);
        Assert.True(run.ExitCode == 0, run.Error);

        var result = await Support.Cli.RunAsync("compare", hostile, mock, "--format", "latex");
        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Output.Split('\n');
        Assert.Equal(["\\toprule", "\\midrule", "\\bottomrule"], lines.Where(l => l.EndsWith("rule", StringComparison.Ordinal)));
        Assert.Contains(@"evil\_\&\%\$\#\{\}\textasciitilde{}\textasciicircum{}\textbackslash{}input\{x\}", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(@"\input{x}", result.Output, StringComparison.Ordinal);
        // Outside comments, every row has the table's eight cells: no unescaped & or % breaks a row.
        var rows = lines.Where(l => l.EndsWith("\\\\", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(7, r.Replace("\\&", "").Count(c => c == '&')));

        var comparison = Comparison.Of([RunReportData.Load(hostile), RunReportData.Load(mock)]);
        var best = comparison.Rows.MaxBy(r => r.Rate.Percent)!;
        var worst = comparison.Rows.MinBy(r => r.Rate.Percent)!;
        Assert.NotEqual(best.Rate.Percent, worst.Rate.Percent);
        Assert.Single(rows, r => r.Contains($"\\textbf{{{Numbers.Points(best.Rate.Percent)}}}", StringComparison.Ordinal));
        Assert.Single(rows, r => r.Contains($"[{Numbers.Points(worst.Rate.Low)}, {Numbers.Points(worst.Rate.High)}]", StringComparison.Ordinal) && !r.Contains("\\textbf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lower_is_better_puts_the_lowest_rate_in_bold()
    {
        using var registered = Benchmarks.OverRefusalTestBenchmark.Register();
        using var dir = Benchmarks.RegisteredBenchmarkTests.Data();
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = Benchmarks.RegisteredBenchmarkTests.Answer; // refuser refuses 75% of the harmless requests, helper 25%
        var runs = new List<string>();
        foreach (var model in new[] { "refuser", "helper" })
        {
            var output = dir.Full(model);
            var run = await Support.Cli.RunAsync("run", Benchmarks.OverRefusalTestBenchmark.BenchmarkName, "--data", dir.Full("data"), "--model", model, "--base-url", server.BaseUrl.ToString(),
                "--judge", "mock", "--out", output, "--cache", "off");
            Assert.True(run.ExitCode == 0, run.Error);
            runs.Add(output);
        }
        var comparison = Comparison.Of([.. runs.Select(r => RunReportData.Load(r))]);
        Assert.False(comparison.Rows[0].Rate.Percent == comparison.Rows[1].Rate.Percent);
        var lowest = comparison.Rows.MinBy(r => r.Rate.Percent)!;
        var tex = (await Support.Cli.RunAsync(["compare", .. runs, "--format", "latex"])).Output;
        var bold = Assert.Single(tex.Split('\n'), l => l.Contains("\\textbf", StringComparison.Ordinal));
        Assert.Contains(lowest.Model, bold, StringComparison.Ordinal);
        Assert.Contains("(lower is better)", bold, StringComparison.Ordinal);
    }
}
