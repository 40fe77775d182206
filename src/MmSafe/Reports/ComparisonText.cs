using System.Text;

namespace MmSafe.Reports;

/// <summary>A comparison as Markdown, CSV or JSON, each with every figure the table shows.</summary>
public static class ComparisonText
{
    public static string Markdown(Comparison c)
    {
        var md = new StringBuilder("| Benchmark | Model | Condition | Judge | Metric | % | 95% CI (Wilson) | n | Run |\n|---|---|---|---|---|---:|---|---:|---|\n");
        foreach (var r in c.Rows)
            md.Append($"| {Cell(r.Benchmark)} | {Cell(r.Model)} | {r.Condition} | {Cell(r.Judge ?? "-")} | {r.MetricShown} | {Numbers.Points(r.Rate.Percent)} | [{Numbers.Points(r.Rate.Low)}, {Numbers.Points(r.Rate.High)}] | {r.Rate.Count} | {Cell(r.Run)} |\n");
        if (c.Tests.Count > 0)
        {
            md.Append("\nPaired exact McNemar tests (same items; discordant pairs; MDD = smallest difference this size can detect, 80% power, Connor's paired formula):\n\n| Run A | Run B | Items | Only A | Only B | p | MDD (pp) |\n|---|---|---:|---:|---:|---:|---:|\n");
            foreach (var t in c.Tests) md.Append($"| {Cell(t.First)} | {Cell(t.Second)} | {t.Items} | {t.OnlyFirst} | {t.OnlySecond} | {Numbers.PValue(t.PValue)} | {Numbers.Points(t.MinimumDetectable)} |\n");
        }
        if (c.Gaps.Count > 0)
        {
            md.Append("\nCross-modal gap (A minus B, percentage points, paired 95% interval by Newcombe's method 10; exact McNemar p, Holm-corrected across categories):\n\n| Run A | Run B | Conditions | Category | Items | Gap | 95% CI | p | p (Holm) | MDD |\n|---|---|---|---|---:|---:|---|---:|---:|---:|\n");
            foreach (var g in c.Gaps)
                md.Append($"| {Cell(g.First)} | {Cell(g.Second)} | {g.FirstCondition} − {g.SecondCondition} | {Cell(g.Category)} | {g.Items} | {Numbers.Points(g.Difference)} | [{Numbers.Points(g.Low)}, {Numbers.Points(g.High)}] | {Numbers.PValue(g.PValue)} | {Numbers.PValue(g.HolmP)} | {Numbers.Points(g.MinimumDetectable)} |\n");
        }
        foreach (var view in c.Frontiers)
        {
            md.Append($"\n{Cell(view.Title)} (lower is better on both; 95% Wilson intervals):\n\n| Model | Over-refusal % | 95% CI | n | Unsafe % | 95% CI | n |\n|---|---:|---|---:|---:|---|---:|\n");
            foreach (var p in view.Frontier.Points)
                md.Append($"| {Cell(p.Model)} | {Numbers.Points(p.OverRefusal.Percent)} | [{Numbers.Points(p.OverRefusal.Low)}, {Numbers.Points(p.OverRefusal.High)}] | {p.OverRefusal.Count} | {Numbers.Points(p.Unsafe.Percent)} | [{Numbers.Points(p.Unsafe.Low)}, {Numbers.Points(p.Unsafe.High)}] | {p.Unsafe.Count} |\n");
            foreach (var statement in view.Frontier.Statements()) md.Append($"\n{Cell(statement)}\n");
        }
        foreach (var flag in c.Flags) md.Append($"\n> {Cell(flag)}\n");
        return md.ToString();
    }

    /// <summary>
    /// The leaderboard, then (each after a blank line, with its own header row) the McNemar tests, the cross-modal gaps
    /// and the notes: every figure the table shows. The leaderboard block comes first and is unchanged, so a reader
    /// that takes the first block still works.
    /// </summary>
    public static string Csv(Comparison c)
    {
        var csv = new StringBuilder("benchmark,model,condition,judge,metric,percent,ci_low,ci_high,n,run,lower_is_better\n");
        foreach (var r in c.Rows)
            csv.Append(string.Join(",", Field(r.Benchmark), Field(r.Model), r.Condition, Field(r.Judge ?? ""), r.Metric, Numbers.Points(r.Rate.Percent), Numbers.Points(r.Rate.Low), Numbers.Points(r.Rate.High), r.Rate.Count, Field(r.Run),
                r.Direction == Scoring.MetricDirection.LowerIsBetter ? "true" : "false")).Append('\n');
        if (c.Tests.Count > 0)
        {
            csv.Append("\nrun_a,run_b,items,only_a,only_b,mcnemar_p,mdd_points\n");
            foreach (var t in c.Tests)
                csv.Append(string.Join(",", Field(t.First), Field(t.Second), t.Items, t.OnlyFirst, t.OnlySecond, Numbers.PValue(t.PValue), Numbers.Points(t.MinimumDetectable))).Append('\n');
        }
        if (c.Gaps.Count > 0)
        {
            csv.Append("\nrun_a,run_b,condition_a,condition_b,category,items,gap_points,ci_low,ci_high,mcnemar_p,holm_p,mdd_points\n");
            foreach (var g in c.Gaps)
                csv.Append(string.Join(",", Field(g.First), Field(g.Second), Field(g.FirstCondition), Field(g.SecondCondition), Field(g.Category), g.Items,
                    Numbers.Points(g.Difference), Numbers.Points(g.Low), Numbers.Points(g.High), Numbers.PValue(g.PValue), Numbers.PValue(g.HolmP), Numbers.Points(g.MinimumDetectable))).Append('\n');
        }
        if (c.Frontiers.Count > 0)
        {
            csv.Append("\nover_refusal_from,unsafe_from,model,over_refusal_percent,over_refusal_ci_low,over_refusal_ci_high,over_refusal_n,unsafe_percent,unsafe_ci_low,unsafe_ci_high,unsafe_n\n");
            foreach (var view in c.Frontiers)
                foreach (var p in view.Frontier.Points)
                    csv.Append(string.Join(",", Field(view.OverRefusalFrom), Field(view.UnsafeFrom), Field(p.Model), Numbers.Points(p.OverRefusal.Percent), Numbers.Points(p.OverRefusal.Low),
                        Numbers.Points(p.OverRefusal.High), p.OverRefusal.Count, Numbers.Points(p.Unsafe.Percent), Numbers.Points(p.Unsafe.Low), Numbers.Points(p.Unsafe.High), p.Unsafe.Count)).Append('\n');
            csv.Append("\nover_refusal_from,unsafe_from,better,worse,over_refusal_p_holm,unsafe_p_holm\n");
            foreach (var view in c.Frontiers)
                foreach (var d in view.Frontier.Dominances)
                    csv.Append(string.Join(",", Field(view.OverRefusalFrom), Field(view.UnsafeFrom), Field(d.Better), Field(d.Worse), Numbers.PValue(d.OverRefusalHolmP), Numbers.PValue(d.UnsafeHolmP))).Append('\n');
        }
        if (c.Flags.Count > 0)
        {
            csv.Append("\nnote\n");
            foreach (var flag in c.Flags) csv.Append(Field(flag)).Append('\n');
        }
        return csv.ToString();
    }

    /// <summary>The leaderboard as JSON: one object per row, rates in percent with their Wilson interval.</summary>
    public static string Json(Comparison c)
    {
        var rows = new System.Text.Json.Nodes.JsonArray();
        foreach (var r in c.Rows)
            rows.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["benchmark"] = r.Benchmark, ["model"] = r.Model, ["condition"] = r.Condition, ["judge"] = r.Judge, ["metric"] = r.Metric, ["lower_is_better"] = r.Direction == Scoring.MetricDirection.LowerIsBetter,
                ["percent"] = r.Rate.Percent, ["ci_low"] = r.Rate.Low, ["ci_high"] = r.Rate.High, ["n"] = r.Rate.Count, ["run"] = r.Run,
            });
        var tests = new System.Text.Json.Nodes.JsonArray();
        foreach (var t in c.Tests)
            tests.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["run_a"] = t.First, ["run_b"] = t.Second, ["items"] = t.Items, ["only_a"] = t.OnlyFirst, ["only_b"] = t.OnlySecond, ["p"] = Numbers.Value(t.PValue), ["mdd"] = Numbers.Value(t.MinimumDetectable),
            });
        var gaps = new System.Text.Json.Nodes.JsonArray();
        foreach (var g in c.Gaps)
            gaps.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["run_a"] = g.First, ["run_b"] = g.Second, ["condition_a"] = g.FirstCondition, ["condition_b"] = g.SecondCondition, ["category"] = g.Category, ["items"] = g.Items,
                ["gap"] = Numbers.Value(g.Difference), ["ci_low"] = Numbers.Value(g.Low), ["ci_high"] = Numbers.Value(g.High),
                ["p"] = Numbers.Value(g.PValue), ["p_holm"] = Numbers.Value(g.HolmP), ["mdd"] = Numbers.Value(g.MinimumDetectable),
            });
        var flags = new System.Text.Json.Nodes.JsonArray([.. c.Flags.Select(f => (System.Text.Json.Nodes.JsonNode?)f)]);
        return new System.Text.Json.Nodes.JsonObject { ["leaderboard"] = rows, ["mcnemar"] = tests, ["gaps"] = gaps, ["frontiers"] = FrontierJson(c), ["notes"] = flags }
            .ToJsonString(ReadableJson.Indented);
    }

    private static System.Text.Json.Nodes.JsonArray FrontierJson(Comparison c)
    {
        static System.Text.Json.Nodes.JsonObject Rate(Scoring.Rate r) => new() { ["percent"] = r.Percent, ["ci_low"] = r.Low, ["ci_high"] = r.High, ["n"] = r.Count };
        var list = new System.Text.Json.Nodes.JsonArray();
        foreach (var view in c.Frontiers)
            list.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["over_refusal_from"] = view.OverRefusalFrom, ["unsafe_from"] = view.UnsafeFrom, ["lower_is_better"] = true, ["tests"] = view.Frontier.Tests, ["alpha"] = view.Frontier.Alpha,
                ["points"] = new System.Text.Json.Nodes.JsonArray([.. view.Frontier.Points.Select(p => (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonObject
                {
                    ["model"] = p.Model, ["over_refusal"] = Rate(p.OverRefusal), ["unsafe"] = Rate(p.Unsafe),
                })]),
                ["dominances"] = new System.Text.Json.Nodes.JsonArray([.. view.Frontier.Dominances.Select(d => (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonObject
                {
                    ["better"] = d.Better, ["worse"] = d.Worse, ["over_refusal_p_holm"] = Numbers.Value(d.OverRefusalHolmP), ["unsafe_p_holm"] = Numbers.Value(d.UnsafeHolmP),
                })]),
                ["statements"] = new System.Text.Json.Nodes.JsonArray([.. view.Frontier.Statements().Select(t => (System.Text.Json.Nodes.JsonNode?)t)]),
            });
        return list;
    }

    /// <summary>
    /// A code span in running text (not in a table cell): inside backticks Markdown shows escapes and entities literally,
    /// so the text goes in as it is, fenced by one backtick more than its longest run of backticks, with a space inside
    /// the fence when the text starts or ends with a backtick (or with spaces at both ends, which would be stripped).
    /// Line breaks become spaces, as a code span would show them, so that a blank line cannot end the paragraph.
    /// </summary>
    public static string Code(string text)
    {
        var flat = text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
        int longest = 0, run = 0;
        foreach (var c in flat) longest = Math.Max(longest, run = c == '`' ? run + 1 : 0);
        var fence = new string('`', longest + 1);
        bool pad = flat.Length == 0 || flat[0] == '`' || flat[^1] == '`' || flat[0] == ' ' && flat[^1] == ' ' && flat.Trim().Length > 0;
        return pad ? $"{fence} {flat} {fence}" : fence + flat + fence;
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
