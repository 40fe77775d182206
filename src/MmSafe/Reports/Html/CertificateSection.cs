using System.Text;
using MmSafe.Reports.Certification;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>The judge certificates stored with a run (<c>mmsafe judge certify</c>), newest first: candidate, reference, rule, verdict, κ, shift, failing categories.</summary>
internal static class CertificateSection
{
    public static string Render(RunReportData run)
    {
        var certificates = CertificateStore.Read(run.Score.Run);
        if (certificates.Count == 0) return "";
        var html = new StringBuilder($"<section class=\"certificates\"><h2>Judge certificates: {E(run.Title)}</h2><table><tr><th>Certified</th><th>Candidate</th><th>Reference</th>")
            .Append("<th>Rule</th><th>Verdict</th><th>Items</th><th>Cohen's κ [95% CI]</th><th>Shift (pp) [95% CI]</th><th>MDD (pp)</th><th>Failing categories</th><th>Failed clauses</th></tr>");
        foreach (var c in certificates.Reverse())
            html.Append($"<tr class=\"certificate\"><td>{E($"{c.At.ToUniversalTime():yyyy-MM-dd HH:mm} UTC")}</td><td>{E(c.Candidate)}</td><td>{E(c.Reference)}</td>")
                .Append($"<td title=\"{E(c.RuleDescription)}\">{E(c.Rule)}</td><td><b>{c.Verdict}</b></td><td>{c.Overall.Items}</td><td>{E(CertificateMarkdown.Kappa(c.Overall))}</td>")
                .Append($"<td>{E(CertificateMarkdown.Shift(c.Overall))}</td><td>{Numbers.Points(c.Overall.MinimumDetectable)}</td><td>{E(string.Join(", ", c.FailingCategories))}</td>")
                .Append($"<td>{E(string.Join("; ", c.Failures))}</td></tr>");
        return html.Append("</table><p class=\"note\">mmsafe judge certify RUN --candidate J --reference J|majority|human --format markdown prints a certificate whole.</p></section>").ToString();
    }
}
