using MmSafe.Scoring;

namespace MmSafe.Reports.Exporters;

/// <summary>The run's spec, its deviations from the protocol and its rates per category as Markdown tables.</summary>
public sealed class MarkdownExporter : IReportExporter
{
    public string Name => "markdown";

    public string Extension => "md";

    public void Export(RunReportData run, TextWriter w)
    {
        var spec = run.Spec;
        var layout = run.Score.Sheet.Layout;
        w.WriteLine($"# {Cell(run.Title)}");
        w.WriteLine();
        // Running text, not a table: the names go in code spans as they are (escapes would show literally there).
        w.WriteLine($"Model {Code(spec.Target.Model)}, judge {Code(run.Judge ?? "none")}, protocol {Code(spec.ProtocolVersion)}, dataset SHA-256 {Code(spec.DatasetSha256)}, " +
            $"{spec.Selection.SampleIds.Count} items, {spec.Samples} answers per item.");
        foreach (var warning in run.Score.Warnings) w.WriteLine($"\n> {Cell(warning)}");
        w.WriteLine();
        string[] headers = ["Category", "Items", .. layout.Counters.Take(1).Select(c => c.Label), .. layout.Metrics.Select(m => $"{m.Label} %")];
        w.WriteLine("| " + string.Join(" | ", headers) + " |");
        w.WriteLine("|" + string.Concat(headers.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var g in run.Score.Sheet.Categories.Append(run.Score.Sheet.Overall))
            w.WriteLine("| " + string.Join(" | ", new[] { g.Name, g.Items.ToString() }
                .Concat(layout.Counters.Take(1).Select(c => g.Counts.GetValueOrDefault(c.Key).ToString()))
                .Concat(layout.Metrics.Select(m => F(g.Rates[m.Key]))).Select(Cell)) + " |");
        w.WriteLine();
        w.WriteLine("Rates in percent with 95% Wilson intervals.");
    }

    private static string F(Rate r) => r.Percent is null ? "n/a" : $"{Numbers.Points(r.Percent)} [{Numbers.Points(r.Low)}, {Numbers.Points(r.High)}]";

    private static string Cell(string text) => ComparisonText.Cell(text);

    private static string Code(string text) => ComparisonText.Code(text);
}
