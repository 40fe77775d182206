using System.Text.Json.Nodes;
using MmSafe.Runs;

namespace MmSafe.Reports;

/// <summary>A run's plan (<c>mmsafe run … --dry-run --json</c>): the totals, then each model's share; cost in USD, null without a price.</summary>
public static class PlanJson
{
    /// <param name="warnings">What to know before sending (a reasoning model with the protocol's budget: <see cref="PlanWarnings"/>).</param>
    public static string Write(RunPlan plan, RunSpec spec, string location, IReadOnlyList<string>? warnings = null) => new JsonObject
    {
        ["benchmark"] = spec.Benchmark,
        ["run"] = location,
        ["items"] = plan.Items,
        ["target_requests"] = plan.TargetRequests,
        ["judge_requests"] = plan.JudgeRequests,
        ["input_tokens"] = plan.InputTokens,
        ["output_tokens"] = plan.OutputTokens,
        ["cost_usd"] = plan.Cost,
        ["unpriced_models"] = new JsonArray([.. plan.Unpriced.Select(m => (JsonNode)JsonValue.Create(m))]),
        ["warnings"] = new JsonArray([.. (warnings ?? []).Select(w => (JsonNode)JsonValue.Create(w))]),
        ["deviations"] = new JsonArray([.. spec.Deviations().Select(d => (JsonNode)JsonValue.Create(d))]),
        ["models"] = new JsonArray([.. plan.Models.Select(m => (JsonNode)new JsonObject
        {
            ["role"] = m.Role, ["name"] = m.Name, ["model"] = m.Model, ["requests"] = m.Requests,
            ["input_tokens"] = m.InputTokens, ["output_tokens"] = m.OutputTokens, ["cost_usd"] = m.Cost, ["batch"] = m.Batch,
        })]),
    }.ToJsonString(ReadableJson.Indented);
}
