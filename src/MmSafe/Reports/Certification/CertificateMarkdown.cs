using System.Globalization;
using System.Text;

namespace MmSafe.Reports.Certification;

/// <summary>A certificate as Markdown (and as plain text, the same lines without tables' pipes escaped for a terminal).</summary>
public static class CertificateMarkdown
{
    public static string Write(Certificate c)
    {
        var md = new StringBuilder();
        md.Append($"# Judge certificate: {Cell(c.Candidate)} against {Cell(c.Reference)}\n\n");
        md.Append($"Rule (declared before the figures): `{c.Rule}`: {c.RuleDescription}\n\n");
        md.Append($"**{c.Verdict}**{(c.Pass ? "" : ": " + Cell(string.Join("; ", c.Failures)))}\n\n");
        md.Append($"Run {Cell(c.Run)} ({Cell(c.Benchmark)}), {c.At.ToUniversalTime():yyyy-MM-dd HH:mm} UTC; headline rate: {Cell(c.Metric)}.\n\n");
        md.Append("| Items | Agree % [95% CI] | Cohen's κ [95% CI] | Candidate % | Reference % | Shift (pp) [95% CI] | McNemar p | MDD (pp) |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        md.Append($"| {Row(c.Overall)} |\n\n");
        md.Append("## Per category\n\n| Category | Items | Agree % [95% CI] | Cohen's κ [95% CI] | Candidate % | Reference % | Shift (pp) [95% CI] | McNemar p | MDD (pp) | Holm p |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var cat in c.Categories) md.Append($"| {Cell(cat.Category)} | {Row(cat.Figures)} | {Numbers.PValue(cat.HolmP)} |\n");
        md.Append($"\n## Items that flip ({c.Flips.Count})\n\n");
        if (c.Flips.Count > 0)
        {
            md.Append($"| Item | Category | Reference | Candidate |\n|---|---|---|---|\n");
            foreach (var f in c.Flips) md.Append($"| {Cell(f.ItemId)} | {Cell(f.Category ?? "")} | {Verdict(c, f.Reference)} | {Verdict(c, f.Candidate)} |\n");
        }
        return md.ToString();
    }

    /// <summary>The overall row's cells, shared by the Markdown and HTML renderings.</summary>
    public static string Row(CertificateFigures f) => string.Join(" | ",
        f.Items.ToString(CultureInfo.InvariantCulture), $"{Numbers.Points(f.AgreementPercent)} [{Numbers.Points(f.AgreementLow)}, {Numbers.Points(f.AgreementHigh)}]",
        Kappa(f), Numbers.Points(f.CandidateRate), Numbers.Points(f.ReferenceRate), Shift(f), Numbers.PValue(f.McNemarP), Numbers.Points(f.MinimumDetectable));

    public static string Kappa(CertificateFigures f) => f.Kappa is null ? "n/a (no variation)" : $"{Numbers.Points(f.Kappa)} [{Numbers.Points(f.KappaLow)}, {Numbers.Points(f.KappaHigh)}]";

    public static string Shift(CertificateFigures f) => $"{Numbers.Points(f.Shift)} [{Numbers.Points(f.ShiftLow)}, {Numbers.Points(f.ShiftHigh)}]";

    /// <summary>A headline verdict in words: "safe" / "not safe" for the run's headline metric.</summary>
    public static string Verdict(Certificate c, bool value) => value ? c.Metric : $"not {c.Metric}";

    private static string Cell(string text) => ComparisonText.Cell(text);
}
