using System.Globalization;

namespace MmSafe.Reports.Exporters;

/// <summary>One row per answer and one per reply of the judge reported (named in each verdict row), with cells safe to open in a spreadsheet; an answer's reasoning in its own columns.</summary>
public sealed class CsvExporter : IReportExporter
{
    public string Name => "csv";

    public string Extension => "csv";

    public void Export(RunReportData run, TextWriter w)
    {
        w.WriteLine("run,benchmark,item_id,category,sub_category,sample,row,aspect,text,reading,error,outcome,reasoning,reasoning_tokens,judge");
        foreach (var s in run.Samples)
        {
            Row(w, run, s, "answer", "", s.Response, s.Verdict, s.Error);
            foreach (var v in s.Verdicts) Row(w, run, s, "verdict", v.Aspect, v.Raw ?? "", v.Reading, null);
        }
    }

    private static void Row(TextWriter w, RunReportData run, ReportSample s, string row, string aspect, string text, string reading, string? error) =>
        w.WriteLine(string.Join(",", new[] { run.Directory, run.Spec.Benchmark, s.ItemId, s.Category, s.SubCategory ?? "", s.Sample.ToString(), row, aspect, text, reading, error ?? "", row == "answer" ? s.Outcome : "",
            row == "answer" ? s.Reasoning ?? "" : "", row == "answer" ? s.ReasoningTokens?.ToString(CultureInfo.InvariantCulture) ?? "" : "",
            row == "verdict" ? run.Judge ?? "" : "" }
            .Select(ComparisonText.Field)));
}
