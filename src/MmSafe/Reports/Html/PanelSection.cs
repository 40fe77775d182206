using System.Text;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>A run judged by several judges (or with human labels): per-judge rates, agreement and drift, and the items they disagree on.</summary>
internal static class PanelSection
{
    private const int MaxListed = 100;

    public static string Render(RunReportData run)
    {
        var panel = JudgePanel.Of(run.Score.Run);
        if (panel.Pairs.Count == 0) return "";
        var html = new StringBuilder($"<section class=\"panel\"><h2>Judge panel: {E(run.Title)}</h2><table><tr><th>Judge</th><th>Model</th><th>Sees the image</th><th>{E(panel.Metric)} %</th></tr>");
        foreach (var j in panel.Judges)
            html.Append($"<tr><td>{E(j.Judge)}</td><td>{E(j.Model)}</td><td>{(j.SeesImage ? "yes" : "no")}</td><td>{Pct(j.Headline.Percent)} [{Pct(j.Headline.Low)}, {Pct(j.Headline.High)}]</td></tr>");
        html.Append("</table><table><tr><th>Rater A</th><th>Rater B</th><th>Items</th><th>Agree % [95% CI]</th><th>Cohen's κ [95% CI]</th><th>Drift A−B (pp) [95% CI]</th><th>McNemar p</th><th>MDD</th></tr>");
        foreach (var p in panel.Pairs)
            if (p.Undefined)
                html.Append($"<tr><td>{E(p.First)}</td><td>{E(p.Second)}</td><td>0</td><td>n/a</td><td>n/a</td><td>{E(JudgePair.NoSharedItem)}</td><td>n/a</td><td>n/a</td></tr>");
            else html.Append($"<tr><td>{E(p.First)}</td><td>{E(p.Second)}</td><td>{p.Items}</td><td>{Pct(p.Agreement.Percent)} [{Pct(p.Agreement.Low)}, {Pct(p.Agreement.High)}]</td><td>{Numbers.Kappa(p.Kappa)}</td>")
                .Append($"<td>{Numbers.Points(p.Drift)} [{Numbers.Points(p.DriftLow)}, {Numbers.Points(p.DriftHigh)}]</td><td>{Numbers.PValue(p.PValue)}</td><td>{Numbers.Points(p.MinimumDetectable)}</td></tr>");
        html.Append("</table>");
        if (panel.Fleiss is { } fleiss) html.Append($"<p>Fleiss' κ over {panel.FleissItems} items rated by every judge: {(panel.FleissItems == 0 ? "n/a (no item rated by every judge)" : Numbers.Kappa(fleiss))}</p>");
        html.Append($"<h3>Disagreements ({panel.Disagreements.Count})</h3>");
        if (panel.Disagreements.Count > 0)
        {
            var raters = panel.Disagreements.SelectMany(d => d.Verdicts.Keys).Distinct().ToList();
            html.Append("<table class=\"disagreements\"><tr><th>Item</th><th>Category</th>").Append(string.Concat(raters.Select(r => $"<th>{E(r)}</th>"))).Append("</tr>");
            foreach (var d in panel.Disagreements.Take(MaxListed))
                html.Append($"<tr><td>{E(d.ItemId)}</td><td>{E(d.Category ?? "")}</td>")
                    .Append(string.Concat(raters.Select(r => $"<td>{(d.Verdicts.TryGetValue(r, out var v) ? (v ? "safe" : "unsafe") : "–")}</td>"))).Append("</tr>");
            html.Append("</table>");
            if (panel.Disagreements.Count > MaxListed) html.Append($"<p class=\"note\">… and {panel.Disagreements.Count - MaxListed} more (mmsafe agreement lists them).</p>");
        }
        return html.Append("</section>").ToString();
    }

}
