using System.Globalization;
using System.Text;

namespace MmSafe.Reports;

/// <summary>A comparison as Markdown or CSV.</summary>
public static class ComparisonText
{
    private static string P(double? v) => v?.ToString("F2", CultureInfo.InvariantCulture) ?? "n/a";

    private static string Pv(double p) => p < 0.0001 ? p.ToString("0.0e+0", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Markdown(Comparison c)
    {
        var md = new StringBuilder("| Benchmark | Model | Judge | Metric | % | 95% CI (Wilson) | n | Run |\n|---|---|---|---|---:|---|---:|---|\n");
        foreach (var r in c.Rows)
            md.Append($"| {Cell(r.Benchmark)} | {Cell(r.Model)} | {Cell(r.Judge ?? "-")} | {r.Metric} | {P(r.Rate.Percent)} | [{P(r.Rate.Low)}, {P(r.Rate.High)}] | {r.Rate.Count} | {Cell(r.Run)} |\n");
        if (c.Tests.Count > 0)
        {
            md.Append("\nPaired exact McNemar tests (same items; discordant pairs):\n\n| Run A | Run B | Items | Only A | Only B | p |\n|---|---|---:|---:|---:|---:|\n");
            foreach (var t in c.Tests) md.Append($"| {Cell(t.First)} | {Cell(t.Second)} | {t.Items} | {t.OnlyFirst} | {t.OnlySecond} | {Pv(t.PValue)} |\n");
        }
        foreach (var flag in c.Flags) md.Append($"\n> {Cell(flag)}\n");
        return md.ToString();
    }

    public static string Csv(Comparison c)
    {
        var csv = new StringBuilder("benchmark,model,judge,metric,percent,ci_low,ci_high,n,run\n");
        foreach (var r in c.Rows)
            csv.Append(string.Join(",", Field(r.Benchmark), Field(r.Model), Field(r.Judge ?? ""), r.Metric, P(r.Rate.Percent), P(r.Rate.Low), P(r.Rate.High), r.Rate.Count, Field(r.Run))).Append('\n');
        return csv.ToString();
    }

    /// <summary>Markdown table cells: pipes and line breaks would break the table; angle brackets would become HTML.</summary>
    public static string Cell(string text) => text.Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\n", " ").Replace("\r", " ");

    // CSV fields quoted when needed; a leading = + - @ is defused so spreadsheets do not run it as a formula.
    public static string Field(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }
}
