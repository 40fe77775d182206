using System.Text;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>
/// Runs side by side: the paired McNemar test of every pair on one benchmark with its minimum detectable difference,
/// the items whose verdict flips between two runs, and the cross-modal gaps between conditions.
/// </summary>
internal static class ComparisonSection
{
    private const int MaxFlips = 100;

    public static string Render(IReadOnlyList<RunReportData> runs)
    {
        var comparison = Comparison.Of(runs);
        var html = new StringBuilder();
        if (comparison.Tests.Count > 0)
        {
            html.Append("<section><h2>Paired comparisons</h2><p class=\"note\">Exact McNemar tests on the items both runs scored; ")
                .Append("MDD is the smallest difference this many items can detect (two-sided α = 0.05, 80% power; Connor's paired formula at the observed share of items that differ).</p>")
                .Append("<table><tr><th>Run A</th><th>Run B</th><th>Items</th><th>Only A</th><th>Only B</th><th>p</th><th>MDD (pp)</th></tr>");
            foreach (var t in comparison.Tests)
                html.Append($"<tr><td>{E(t.First)}</td><td>{E(t.Second)}</td><td>{t.Items}</td><td>{t.OnlyFirst}</td><td>{t.OnlySecond}</td><td>{Numbers.PValue(t.PValue)}</td><td>{Numbers.Points(t.MinimumDetectable)}</td></tr>");
            html.Append("</table>");
            foreach (var group in runs.GroupBy(r => r.Spec.Benchmark).Where(g => g.Count() > 1))
            {
                var list = group.ToList();
                html.Append(SideBySide(list));
                for (int a = 0; a < list.Count; a++)
                    for (int b = a + 1; b < list.Count; b++)
                        html.Append(Flips(list[a], list[b]));
            }
            html.Append("</section>");
        }
        if (comparison.Gaps.Count > 0) html.Append(Gaps(comparison));
        foreach (var view in comparison.Frontiers)
        {
            html.Append($"<section class=\"frontier\"><h2>{E(view.Title)}</h2><p class=\"note\">Each model is a point, its box the two 95% Wilson intervals; " +
                "lower is better on both axes. A model dominates another only when it is lower on both and both paired differences (exact McNemar) are significant after Holm correction over every test shown.</p>");
            html.Append(FrontierChart.Svg(view.Frontier, view.Title));
            foreach (var statement in view.Frontier.Statements()) html.Append($"<p class=\"statement\">{E(statement)}</p>");
            html.Append("</section>");
        }
        return html.ToString();
    }

    private static string SideBySide(IReadOnlyList<RunReportData> runs)
    {
        var layout = runs[0].Score.Sheet.Layout;
        var categories = runs.SelectMany(r => r.Score.Sheet.Categories.Select(c => c.Name)).Distinct().ToList();
        var series = runs.Select(r => (r.Title, (IReadOnlyList<Scoring.Rate?>)[.. categories.Select(c =>
            r.Score.Sheet.Categories.FirstOrDefault(g => g.Name == c)?.Rates[layout.Headline.Key])])).Take(SvgCharts.Palette.Length).ToList();
        return SvgCharts.Series($"{layout.Headline.Label} by category, run by run{layout.Headline.DirectionNote}", [.. categories, "Overall"],
            [.. series.Select((s, k) => (s.Title, (IReadOnlyList<Scoring.Rate?>)[.. s.Item2, runs[k].Score.Sheet.HeadlineRate]))]);
    }

    // Items whose headline verdict differs between two runs: what a reader checks first when two numbers differ.
    private static string Flips(RunReportData a, RunReportData b)
    {
        var x = Comparison.Outcomes(a);
        var y = Comparison.Outcomes(b);
        var flips = x.Keys.Intersect(y.Keys).Where(id => x[id] != y[id]).OrderBy(id => id, StringComparer.Ordinal).ToList();
        var metric = a.Score.Sheet.Layout.Headline.Label.ToLowerInvariant();
        var html = new StringBuilder($"<h3>{flips.Count} items flip between {E(a.Title)} and {E(b.Title)}</h3>");
        if (flips.Count == 0) return html.ToString();
        html.Append($"<table class=\"flips\"><tr><th>Item</th><th>A</th><th>B</th></tr>");
        foreach (var id in flips.Take(MaxFlips))
            html.Append($"<tr><td>{E(id)}</td><td>{(x[id] ? metric : "not " + metric)}</td><td>{(y[id] ? metric : "not " + metric)}</td></tr>");
        if (flips.Count > MaxFlips) html.Append($"<tr><td colspan=\"3\">… and {flips.Count - MaxFlips} more</td></tr>");
        return html.Append("</table>").ToString();
    }

    private static string Gaps(Comparison comparison)
    {
        var html = new StringBuilder("<section><h2>Cross-modal gap</h2><p class=\"note\">The same model on the same items under two modality conditions: ")
            .Append("the paired difference of the headline rate (first minus second, percentage points) with its 95% interval (Newcombe's paired score method), the exact McNemar p-value, ")
            .Append("Holm-corrected across categories, and the smallest difference this many items can detect (MDD, 80% power, Connor's paired formula).</p>")
            .Append("<table><tr><th>Conditions</th><th>Category</th><th>Items</th><th>Gap</th><th>95% CI</th><th>p</th><th>p (Holm)</th><th>MDD</th></tr>");
        foreach (var g in comparison.Gaps)
            html.Append($"<tr><td>{E(g.FirstCondition)} − {E(g.SecondCondition)}</td><td>{E(g.Category)}</td><td>{g.Items}</td><td>{Numbers.Points(g.Difference)}</td>")
                .Append($"<td>[{Numbers.Points(g.Low)}, {Numbers.Points(g.High)}]</td><td>{Numbers.PValue(g.PValue)}</td><td>{Numbers.PValue(g.HolmP)}</td><td>{Numbers.Points(g.MinimumDetectable)}</td></tr>");
        return html.Append("</table></section>").ToString();
    }

}
