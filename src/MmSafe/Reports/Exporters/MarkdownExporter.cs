using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Scoring;

namespace MmSafe.Reports.Exporters;

/// <summary>The run's manifest and rates per category as Markdown tables.</summary>
public sealed class MarkdownExporter : IReportExporter
{
    public string Name => "markdown";

    public string Extension => "md";

    public void Export(RunReportData run, TextWriter w)
    {
        var m = run.Manifest;
        w.WriteLine($"# {Cell(run.Title)}");
        w.WriteLine();
        w.WriteLine($"Model `{Cell(m.Target.Model)}`, judge `{Cell(run.Judge ?? "none")}`, protocol `{m.ProtocolVersion}`, dataset SHA-256 `{m.DatasetSha256}`, {m.Items.Count} items.");
        foreach (var warning in run.Score.Warnings) w.WriteLine($"\n> {Cell(warning)}");
        w.WriteLine();
        var (headers, rows) = Table(run.Score.Score);
        w.WriteLine("| " + string.Join(" | ", headers) + " |");
        w.WriteLine("|" + string.Concat(headers.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var row in rows) w.WriteLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
        w.WriteLine();
        w.WriteLine("Rates in percent with 95% Wilson intervals.");
    }

    private static (string[] Headers, IEnumerable<string[]> Rows) Table(object score) => score switch
    {
        SiuoGenScore s => (["Category", "Items", "Safe %", "Effective %", "Safe & effective %"],
            s.Categories.Append(KeyValuePair.Create("Overall", s.Overall)).Select(c => new[] { c.Key, c.Value.Items.ToString(), F(c.Value.Safe), F(c.Value.Effective), F(c.Value.SafeAndEffective) })),
        SiuoMcqaScore s => (["Category", "Items", "Unanswered", "Accuracy %"],
            s.Categories.Append(KeyValuePair.Create("Overall", s.Overall)).Select(c => new[] { c.Key, c.Value.Items.ToString(), c.Value.Unanswered.ToString(), F(c.Value.Accuracy) })),
        VlsBenchScore s => (["Category", "Items", "Invalid", "Safe %", "Refusal %", "Warning %", "Unsafe %"],
            s.Categories.Append(KeyValuePair.Create("Overall", s.Overall)).Select(c => new[] { c.Key, c.Value.Items.ToString(), c.Value.Invalid.ToString(), F(c.Value.Safe), F(c.Value.Refusal), F(c.Value.Warning), F(c.Value.Unsafe) })),
        _ => ([], []),
    };

    private static string F(Rate r) => r.Percent is null ? "n/a" : FormattableString.Invariant($"{r.Percent:F2} [{r.Low:F2}, {r.High:F2}]");

    private static string Cell(string text) => ComparisonText.Cell(text);
}
