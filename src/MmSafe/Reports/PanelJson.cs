using System.Text.Json.Nodes;
using MmSafe.Scoring;

namespace MmSafe.Reports;

/// <summary>
/// A judge panel as JSON, with every figure <c>mmsafe agreement</c>'s table shows: each judge's headline rate, each
/// pair's agreement, κ, drift, McNemar p and MDD, Fleiss' κ, and every item the raters disagree on.
/// </summary>
public static class PanelJson
{
    public static string Write(JudgePanel panel)
    {
        var root = new JsonObject
        {
            ["metric"] = panel.Metric,
            ["judges"] = new JsonArray([.. panel.Judges.Select(j => (JsonNode)new JsonObject
            {
                ["judge"] = j.Judge, ["model"] = j.Model, ["sees_image"] = j.SeesImage, [panel.Metric] = RateNode(j.Headline),
            })]),
            ["pairs"] = new JsonArray([.. panel.Pairs.Select(p => (JsonNode)new JsonObject
            {
                ["rater_a"] = p.First, ["rater_b"] = p.Second, ["items"] = p.Items,
                ["agreement"] = RateNode(p.Agreement),
                ["kappa"] = p.Undefined ? null : EstimateNode(p.Kappa),
                // Over no shared item the figures are not defined: null, with the reason, never a 0 that reads as a result.
                ["drift_points"] = p.Undefined ? null : Numbers.Value(p.Drift),
                ["drift_ci95"] = p.Undefined ? null : new JsonArray(Numbers.Value(p.DriftLow), Numbers.Value(p.DriftHigh)),
                ["mcnemar_p"] = p.Undefined ? null : Numbers.Value(p.PValue), ["mdd_points"] = p.Undefined ? null : Numbers.Value(p.MinimumDetectable),
                ["note"] = p.Undefined ? JudgePair.NoSharedItem : null,
            })]),
            ["fleiss_kappa"] = panel.Fleiss is { } f ? EstimateNode(f) : null,
            ["fleiss_items"] = panel.FleissItems,
            ["disagreements"] = new JsonArray([.. panel.Disagreements.Select(d => (JsonNode)new JsonObject
            {
                ["item_id"] = d.ItemId, ["category"] = d.Category,
                ["verdicts"] = new JsonObject([.. d.Verdicts.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)(v.Value ? "safe" : "unsafe")))]),
            })]),
        };
        return root.ToJsonString(ReadableJson.Indented);
    }

    /// <summary>A rate in percent with its 95% Wilson interval and counts; null figures where no item had a valid verdict.</summary>
    private static JsonObject RateNode(Rate r) => new()
    {
        ["percent"] = Numbers.Value(r.Percent), ["ci95"] = new JsonArray(Numbers.Value(r.Low), Numbers.Value(r.High)), ["k"] = r.Successes, ["n"] = r.Count,
    };

    /// <summary>κ with its bootstrap interval; null when the raters never varied (κ undefined).</summary>
    private static JsonObject EstimateNode(Estimate e) => new()
    {
        ["value"] = Numbers.Value(e.Value), ["ci95"] = new JsonArray(Numbers.Value(e.Low), Numbers.Value(e.High)),
    };
}
