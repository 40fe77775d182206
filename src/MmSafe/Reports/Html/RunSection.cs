using MmSafe.Benchmarks;
using System.Text;
using MmSafe.Scoring;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>One run's part of the report: spec, deviations, headline rates, charts and the published numbers beside it.</summary>
internal static class RunSection
{
    public static string Render(RunReportData run)
    {
        var spec = run.Spec;
        var score = run.Score;
        var sheet = score.Sheet;
        var layout = sheet.Layout;
        var html = new StringBuilder($"<section class=\"run\"><h2>{E(run.Title)}</h2>");
        if (spec.IsMock) html.Append("<p class=\"mock\">MOCK run: the target or the judge is the offline mock model. These numbers are not a real evaluation.</p>");
        html.Append("<table class=\"manifest\">");
        var judge = run.Judge is null ? null : spec.FindJudge(run.Judge);
        foreach (var (k, v) in new[]
        {
            ("Benchmark", spec.Benchmark), ("Model", $"{spec.Target.Name} ({spec.Target.Model}{(spec.Target.BaseUrl is null ? "" : " at " + spec.Target.BaseUrl)})"),
            ("Target parameters", Parameters(spec.Target)),
            ("Judge", judge is null ? "none" : $"{judge.Name} ({judge.Model}); {Parameters(judge)}; structured output {judge.StructuredOutput}"),
            ("Protocol", spec.ProtocolVersion), ("Deviations from the protocol", score.Deviations.Count == 0 ? "none" : string.Join("; ", score.Deviations)),
            ("Dataset", $"{Path.GetFileName(spec.DatasetFile)}, SHA-256 {spec.DatasetSha256}"),
            ("Items", $"{spec.Selection.SampleIds.Count} of {spec.Selection.DatasetItems}, {spec.Samples} answers each"),
            ("Outcomes", score.Outcomes.Count == 0 ? "no answer stored yet" : string.Join(", ", score.Outcomes.Select(o => $"{o.Key} {o.Value}"))), ("Completeness", score.Completeness.Describe()),
            ("Spend", Spend(score.Run)),
            ("Created", spec.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'")), ("Tool", $"mmsafe {spec.ToolVersion}"), ("Run directory", run.Directory),
        })
            html.Append($"<tr><th>{E(k)}</th><td>{E(v)}</td></tr>");
        html.Append("</table>");
        foreach (var warning in score.Warnings) html.Append($"<p class=\"note\">{E(warning)}</p>");
        if (score.UnscoredAnswers.Count > 0)
            html.Append($"<p class=\"note\">{score.UnscoredAnswers.Count} answers are not scored: {E(string.Join("; ", score.UnscoredAnswers.Take(10)))}</p>");
        html.Append(Metrics(layout.Metrics.Select(m => (m.Label, sheet.Overall.Rates[m.Key]))));
        html.Append($"<p class=\"note\">{sheet.Overall.Items} items; {E(string.Join(", ", layout.Counters.Select(c => $"{c.Label.ToLowerInvariant()} {sheet.Overall.Counts[c.Key]}")))}. {E(layout.CounterNote)}</p>");
        var headline = layout.Headline;
        html.Append(SvgCharts.Bars($"{headline.Label} by category{headline.DirectionNote}", [.. sheet.Categories.Select(c => (c.Name, c.Rates[headline.Key]))], SvgCharts.Colour(headline)));
        if (layout.Versus is { } versus)
            html.Append(SvgCharts.Grouped($"{headline.Label} vs {Label(layout, versus).ToLowerInvariant()} by category", [.. sheet.Categories.Select(c => (c.Name, c.Rates[headline.Key], c.Rates[versus]))], headline.Key, versus));
        if (layout.Parts.Count > 0)
        {
            var parts = string.Join(" / ", layout.Parts.Select((p, i) => i == 0 ? Label(layout, p) : Label(layout, p).ToLowerInvariant()));
            html.Append(SvgCharts.Stacked($"{parts} by category", [.. sheet.Categories.Select(c => (c.Name, Parts(c, layout)))], [.. layout.Parts]));
            if (sheet.SubCategories.Count > 0)
                html.Append(SvgCharts.Stacked($"{parts} by sub-category", [.. sheet.SubCategories.Select(c => (c.Name, Parts(c, layout)))], [.. layout.Parts]));
        }
        html.Append(Published(run.Score.Run.Benchmark.Published, headline, sheet.HeadlineRate, run.Spec.Target.Name));
        return html.Append("</section>").ToString();
    }

    private static string Spend(Runs.RunContents run)
    {
        var (tokens, usd) = RunScoring.Spend(run);
        var prices = run.Spec.Prices;
        var unpriced = prices is null ? [] : Runs.PriceFile.Unpriced(prices, run.Spec.Judges.Select(j => j.Model).Prepend(run.Spec.Target.Model));
        return $"{tokens:N0} tokens paid for (cached answers excluded)" + (usd is { } d ? FormattableString.Invariant($", ${d:F2} at the recorded prices")
            : prices is null ? "; no prices recorded (run with --prices FILE)"
            : $"; the recorded prices have no price for {string.Join(", ", unpriced.Select(m => $"'{m}'"))} (resume with --prices FILE to add it)");
    }

    private static string Parameters(Runs.ModelSettings m) =>
        $"temperature {m.Parameters.Temperature?.ToString() ?? "server default"}, top_p {m.Parameters.TopP?.ToString() ?? "server default"}, max_tokens {m.Parameters.MaxTokens?.ToString() ?? "server default"}"
        + (m.Parameters.Seed is { } seed ? $", seed {seed}" : "") + (m.Parameters.SystemPrompt is null ? "" : ", with a system prompt")
        + (m.ImageDetail is null ? "" : $", image detail {m.ImageDetail}") + $", n-mode {m.Choices}";

    private static string Label(ScoreLayout layout, string key) => layout.Metrics.First(m => m.Key == key).Label;

    private static double?[] Parts(GroupScore g, ScoreLayout layout) => [.. layout.Parts.Select(p => g.Rates[p].Percent)];

    private static string Metrics(IEnumerable<(string Name, Rate Rate)> rates) =>
        "<div class=\"headline\">" + string.Concat(rates.Select(r =>
            $"<div class=\"metric\">{E(r.Name)}<b>{Pct(r.Rate.Percent)}%</b><span class=\"note\">95% CI [{Pct(r.Rate.Low)}, {Pct(r.Rate.High)}], n = {r.Rate.Count}</span></div>")) + "</div>";

    // A published row of the run's own model (a re-judged import of the authors' responses, say): names compared without
    // case, spaces or punctuation ("GPT-4o (web)" is not "gpt-4o").
    private static bool SameModel(string published, string model) =>
        string.Equals(Key(published), Key(model), StringComparison.Ordinal);

    private static string Key(string name) => new([.. name.ToLowerInvariant().Where(char.IsLetterOrDigit)]);

    private static string Published(IReadOnlyList<PublishedResult> rows, Metric metric, Rate mine, string model)
    {
        if (rows.Count == 0) return "";
        var html = new StringBuilder($"<h3>Beside published results</h3><table><tr><th>Model</th><th>{E(metric.Key)} %{E(metric.DirectionNote)}</th><th>Source</th></tr>");
        html.Append($"<tr><td><b>This run</b></td><td><b>{Pct(mine.Percent)}</b> [{Pct(mine.Low)}, {Pct(mine.High)}]</td><td>measured here</td></tr>");
        foreach (var r in rows.OrderBy(r => metric.RankKey(r.Percent)))
        {
            // The run's own model: whether the published number lies in this run's interval says if this judge reproduces it.
            string own = !SameModel(r.Model, model) || mine.Low is not { } low || mine.High is not { } high ? ""
                : $"<br><b class=\"reproduces\">This run's model: the published {Pct(r.Percent)} is {(r.Percent >= low && r.Percent <= high ? "inside" : "outside")} this run's 95% interval [{Pct(low)}, {Pct(high)}].</b>";
            html.Append($"<tr class=\"published{(own.Length > 0 ? " own" : "")}\"><td>{E(r.Model)}</td><td>{Pct(r.Percent)}</td><td>PUBLISHED: {E(r.Source)}{(r.Caveat is { } c ? $"<br><span class=\"note\">Caveat: {E(c)}</span>" : "")}{own}</td></tr>");
        }
        return html.Append("</table><p class=\"note\">Published numbers were produced by the authors with their judges; they are shown for comparison, not measured by MmSafe.</p>").ToString();
    }
}
