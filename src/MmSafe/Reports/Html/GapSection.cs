using System.Globalization;
using System.Text;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>The cross-modal gaps between runs of one model under different modality conditions, per category.</summary>
internal static class GapSection
{
    public static string Render(Comparison comparison)
    {
        if (comparison.Gaps.Count == 0) return "";
        var html = new StringBuilder("<section><h2>Cross-modal gap</h2><p class=\"note\">The same model on the same items under two modality conditions: ")
            .Append("the paired difference of the headline rate (first minus second, percentage points) with its 95% interval, the exact McNemar p-value, ")
            .Append("Holm-corrected across categories, and the smallest difference this many items can detect (MDD, 80% power).</p>")
            .Append("<table><tr><th>Conditions</th><th>Category</th><th>Items</th><th>Gap</th><th>95% CI</th><th>p</th><th>p (Holm)</th><th>MDD</th></tr>");
        foreach (var g in comparison.Gaps)
            html.Append($"<tr><td>{E(g.FirstCondition)} − {E(g.SecondCondition)}</td><td>{E(g.Category)}</td><td>{g.Items}</td><td>{F(g.Difference)}</td>")
                .Append($"<td>[{F(g.Low)}, {F(g.High)}]</td><td>{P(g.PValue)}</td><td>{P(g.HolmP)}</td><td>{F(g.MinimumDetectable)}</td></tr>");
        return html.Append("</table></section>").ToString();
    }

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static string P(double p) => p < 0.0001 ? p.ToString("0.0e+0", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);
}
