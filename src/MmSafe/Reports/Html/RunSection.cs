using System.Text;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Scoring;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>One run's part of the report: manifest, headline rates, charts and the published numbers beside it.</summary>
internal static class RunSection
{
    public static string Render(RunReportData run)
    {
        var m = run.Manifest;
        var html = new StringBuilder($"<section class=\"run\"><h2>{E(run.Title)}</h2>");
        if (m.IsMock) html.Append("<p class=\"mock\">MOCK run: the target or the judge is the offline mock model. These numbers are not a real evaluation.</p>");
        html.Append("<table class=\"manifest\">");
        foreach (var (k, v) in new[]
        {
            ("Benchmark", m.Benchmark), ("Model", $"{m.Target.Name} ({m.Target.Model}{(m.Target.BaseUrl is null ? "" : " at " + m.Target.BaseUrl)})"),
            ("Judge", run.Judge ?? "none"), ("Protocol", m.ProtocolVersion), ("Dataset", $"{Path.GetFileName(m.DatasetFile)}, SHA-256 {m.DatasetSha256}"),
            ("Items", m.Items.Count.ToString()), ("Created", m.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'")), ("Tool", $"mmsafe {m.ToolVersion}"), ("Run directory", run.Directory),
        })
            html.Append($"<tr><th>{E(k)}</th><td>{E(v)}</td></tr>");
        html.Append("</table>");
        if (run.DatasetNote is not null) html.Append($"<p class=\"note\">{E(run.DatasetNote)}</p>");
        foreach (var warning in run.Score.Warnings) html.Append($"<p class=\"note\">{E(warning)}</p>");
        if (run.Score.FailedItems.Count > 0) html.Append($"<p class=\"note\">{run.Score.FailedItems.Count} items failed and are left out of the rates: {E(string.Join("; ", run.Score.FailedItems.Take(10)))}</p>");
        html.Append(run.Score.Score switch
        {
            SiuoGenScore s => Siuo(s),
            SiuoMcqaScore s => Mcqa(s),
            VlsBenchScore s => Vls(s),
            _ => "",
        });
        html.Append(Published(m.Benchmark, ScoreJson.Headline(run.Score.Score)));
        return html.Append("</section>").ToString();
    }

    private static string Siuo(SiuoGenScore s) =>
        Metrics(("Safe", s.Overall.Safe), ("Effective", s.Overall.Effective), ("Safe & effective", s.Overall.SafeAndEffective))
        + $"<p class=\"note\">{s.Items} items; {s.InvalidItems} without a readable verdict for some rate; unreadable judge replies: {s.InvalidSafetyVerdicts} safety, {s.InvalidEffectivenessVerdicts} effectiveness.</p>"
        + SvgCharts.Bars("Safe rate by category", [.. s.Categories.Select(c => (c.Key, c.Value.Safe))])
        + SvgCharts.Grouped("Safe vs effective by category", [.. s.Categories.Select(c => (c.Key, c.Value.Safe, c.Value.Effective))], "safe", "effective");

    private static string Mcqa(SiuoMcqaScore s) =>
        Metrics(("Accuracy", s.Overall.Accuracy))
        + $"<p class=\"note\">{s.Items} items; {s.Unanswered} answers without a readable letter (scored wrong).</p>"
        + SvgCharts.Bars("Accuracy by category", [.. s.Categories.Select(c => (c.Key, c.Value.Accuracy))]);

    private static string Vls(VlsBenchScore s) =>
        Metrics(("Safe", s.Overall.Safe), ("Refusal", s.Overall.Refusal), ("Warning", s.Overall.Warning), ("Unsafe", s.Overall.Unsafe))
        + $"<p class=\"note\">{s.Overall.Items} items; {s.Overall.Invalid} verdicts could not be read.</p>"
        + SvgCharts.Bars("Safe rate by category", [.. s.Categories.Select(c => (c.Key, c.Value.Safe))])
        + SvgCharts.Stacked("Refusal / warning / unsafe by category", [.. s.Categories.Select(c => (c.Key, Parts(c.Value)))], ["refusal", "warning", "unsafe"])
        + SvgCharts.Stacked("Refusal / warning / unsafe by sub-category", [.. s.SubCategories.Select(c => (c.Key, Parts(c.Value)))], ["refusal", "warning", "unsafe"]);

    private static double?[] Parts(VlsBenchRates r) => [r.Refusal.Percent, r.Warning.Percent, r.Unsafe.Percent];

    private static string Metrics(params (string Name, Rate Rate)[] rates) =>
        "<div class=\"headline\">" + string.Concat(rates.Select(r =>
            $"<div class=\"metric\">{E(r.Name)}<b>{Pct(r.Rate.Percent)}%</b><span class=\"note\">95% CI [{Pct(r.Rate.Low)}, {Pct(r.Rate.High)}], n = {r.Rate.Count}</span></div>")) + "</div>";

    private static string Published(string benchmark, (string Metric, Rate Rate) mine)
    {
        var rows = PublishedResults.For(benchmark).ToList();
        if (rows.Count == 0) return "";
        var html = new StringBuilder($"<h3>Beside published results</h3><table><tr><th>Model</th><th>{E(mine.Metric)} %</th><th>Source</th></tr>");
        html.Append($"<tr><td><b>This run</b></td><td><b>{Pct(mine.Rate.Percent)}</b> [{Pct(mine.Rate.Low)}, {Pct(mine.Rate.High)}]</td><td>measured here</td></tr>");
        foreach (var r in rows) html.Append($"<tr class=\"published\"><td>{E(r.Model)}</td><td>{Pct(r.Percent)}</td><td>PUBLISHED: {E(r.Source)}</td></tr>");
        return html.Append("</table><p class=\"note\">Published numbers were produced by the authors with their judges; they are shown for comparison, not measured by MmSafe.</p>").ToString();
    }
}
