using System.Text;
using static MmSafe.Reports.Html.Html;

namespace MmSafe.Reports.Html;

/// <summary>Every item with its image, question, answers and the judge's raw replies, with filters and search.</summary>
internal static class SampleBrowser
{
    public static string Render(IReadOnlyList<RunReportData> runs, Thumbnails thumbnails)
    {
        var items = runs.SelectMany(run => run.Samples.GroupBy(s => s.ItemId).Select(g => (Run: run, Samples: g.ToList()))).ToList();
        var categories = items.Select(i => i.Samples[0].Category).Distinct().Order();
        var verdicts = items.SelectMany(i => i.Samples.Select(s => s.Verdict)).Distinct().Order();
        var html = new StringBuilder("<section><h2>Samples</h2><div class=\"filters\">");
        html.Append("<label>Search <input id=\"q\" type=\"search\" placeholder=\"text in question, answer or verdict\"></label>");
        html.Append("<label>Category <select id=\"cat\"><option value=\"\">all</option>").Append(string.Concat(categories.Select(c => $"<option>{E(c)}</option>"))).Append("</select></label>");
        html.Append("<label>Verdict <select id=\"ver\"><option value=\"\">all</option>").Append(string.Concat(verdicts.Select(v => $"<option>{E(v)}</option>"))).Append("</select></label>");
        html.Append("<span><span id=\"count\">").Append(items.Count).Append("</span> shown</span></div>");
        foreach (var (run, samples) in items) html.Append(Item(run, samples, thumbnails));
        return html.Append("</section>").ToString();
    }

    private static string Item(RunReportData run, List<ReportSample> samples, Thumbnails thumbnails)
    {
        var first = samples[0];
        var html = new StringBuilder($"<article class=\"item\" data-category=\"{E(first.Category)}\" data-verdicts=\"{E(string.Join("|", samples.Select(s => s.Verdict).Distinct()))}\">");
        html.Append(Image(run, first.ItemId, thumbnails));
        html.Append($"<p><span class=\"tag\">{E(run.Spec.Target.Name)}</span><span class=\"tag\">item {E(first.ItemId)}</span><span class=\"tag\">{E(first.Category)}</span>");
        if (first.SubCategory is not null) html.Append($"<span class=\"tag\">{E(first.SubCategory)}</span>");
        html.Append("</p>");
        if (first.Question is not null) html.Append($"<p><b>Question</b></p><pre>{E(first.Question)}</pre>");
        foreach (var s in samples)
        {
            html.Append($"<p><b>Answer {s.Sample + 1}</b> <span class=\"tag\">{E(s.Outcome)}</span> <span class=\"tag\">{E(s.Verdict)}</span></p>");
            html.Append(s.Error is null ? $"<pre>{E(s.Response)}</pre>" : $"<pre>ERROR: {E(s.Error)}</pre>");
            html.Append(Reasoning(s));
            foreach (var v in s.Verdicts) html.Append($"<details><summary>{E(v.Aspect)}: {E(v.Reading)}</summary><pre>{E(v.Raw)}</pre></details>");
        }
        return html.Append("</article>").ToString();
    }

    // Collapsed and labelled apart from the answer: the judge never saw it, and it can be long.
    private static string Reasoning(ReportSample s)
    {
        // A model that does not reason may still report "reasoning_tokens: 0" (OpenAI's API does for every model): nothing to show.
        if (s.Reasoning is null && s.ReasoningTokens is null or 0) return "";
        var tokens = s.ReasoningTokens is { } n ? $", {n:N0} tokens" : "";
        return s.Reasoning is null
            ? $"<p class=\"note\">Hidden reasoning{E(tokens)} (the server returned no text; not judged)</p>"
            : $"<details class=\"reasoning\"><summary>Reasoning{E(tokens)} (not judged)</summary><pre>{E(s.Reasoning)}</pre></details>";
    }

    private static string Image(RunReportData run, string itemId, Thumbnails thumbnails)
    {
        if (!run.Images.TryGetValue(itemId, out var image)) return "";
        var (key, note) = thumbnails.Add(image);
        // The page's script gives each card its thumbnail from the one data block, loading lazily (decoded when seen).
        return key is null ? $"<p class=\"note\">{E(note ?? "")}</p>" : $"<img alt=\"{E(image.RelativePath)}\" loading=\"lazy\" data-img=\"{E(key)}\">";
    }
}
