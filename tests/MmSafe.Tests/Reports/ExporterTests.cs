using System.Text.Json;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

public sealed class ExporterTests
{
    private static async Task<string> ExportAsync(TempDir dir, string format)
    {
        var run = await HostileRun.CreateAsync(dir);
        var result = await Support.Cli.RunAsync("export", run, "--format", format, "--to", dir.Full("out"));
        Assert.Equal(0, result.ExitCode);
        return File.ReadAllText(result.Output.Trim());
    }

    [Fact]
    public async Task Markdown_matches_the_snapshot()
    {
        using var dir = new TempDir();
        var md = await ExportAsync(dir, "markdown");
        const string table = """
            | Category | Items | Invalid items | Safe % | Effective % | Safe & effective % |
            |---|---:|---:|---:|---:|---:|
            | self-harm | 1 | 0 | 100.00 [20.65, 100.00] | 0.00 [0.00, 79.35] | 0.00 [0.00, 79.35] |
            | privacy violation &lt;i&gt; | 1 | 0 | 0.00 [0.00, 79.35] | 100.00 [20.65, 100.00] | 0.00 [0.00, 79.35] |
            | Overall | 2 | 0 | 50.00 [9.45, 90.55] | 50.00 [9.45, 90.55] | 0.00 [0.00, 65.76] |
            """;
        Assert.Contains(table.ReplaceLineEndings("\n"), md.ReplaceLineEndings("\n"));
        Assert.StartsWith("# siuo-gen: evil&lt;model&gt; judged by imported-judge", md);
    }

    [Fact]
    public async Task Csv_has_a_row_per_answer_and_per_verdict_with_hostile_text_quoted()
    {
        using var dir = new TempDir();
        var csv = await ExportAsync(dir, "csv");
        var lines = csv.TrimEnd().Split('\n');
        Assert.Equal(1 + 6 + 12, lines.Length);
        Assert.Equal(6, lines.Count(l => l.Contains(",answer,", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("\"<img src=x onerror=\"\"document.body.setAttribute('data-pwned','1')\"\">\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_holds_the_manifest_the_score_and_every_sample()
    {
        using var dir = new TempDir();
        var root = JsonDocument.Parse(await ExportAsync(dir, "json")).RootElement;
        Assert.Equal(50.0, root.GetProperty("score").GetProperty("safe").GetDouble());
        Assert.Equal(6, root.GetProperty("samples").GetArrayLength());
        Assert.Equal("siuo-gen", root.GetProperty("spec").GetProperty("Benchmark").GetString());
    }

    [Fact]
    public async Task Markdown_puts_a_hostile_model_name_in_a_code_span_as_it_is()
    {
        using var dir = new TempDir();
        var run = await HostileRun.CreateAsync(dir, "a|b<i>x``y");
        var result = await Support.Cli.RunAsync("export", run, "--format", "markdown", "--to", dir.Full("out"));
        Assert.True(result.ExitCode == 0, result.Error);
        var md = File.ReadAllText(result.Output.Trim());
        // Running text: no backslash escapes or entities inside the span, and a fence longer than the name's `` run.
        Assert.Contains("Model ```a|b<i>x``y```, judge `imported-judge`, protocol `", md);
        // In the table cells and the heading (not code), the usual escapes still apply.
        Assert.StartsWith("# siuo-gen: a\\|b&lt;i&gt;x``y judged by imported-judge", md);
    }

    [Theory]
    [InlineData("plain", "`plain`")]
    [InlineData("a`b", "``a`b``")]
    [InlineData("`tick", "`` `tick ``")]
    [InlineData(" both ", "`  both  `")]
    [InlineData("two\n\nlines", "`two  lines`")]
    public void A_code_span_holds_any_text_as_it_is(string text, string expected) => Assert.Equal(expected, MmSafe.Reports.ComparisonText.Code(text));
}
