namespace MmSafe.Reports.View;

/// <summary>The sample browser's filters: text search, category, verdict, outcome, disagreement between judges; and the page.</summary>
public sealed record SampleQuery(string? Text = null, string? Category = null, string? Verdict = null, string? Outcome = null, bool Disagree = false,
    int Offset = 0, int Limit = 50)
{
    public const int MaxLimit = 200;
    private const int ShortText = 240;

    public ViewSamplePage Apply(RunReportData data)
    {
        var run = data.Score.Run;
        var headline = data.Score.Sheet.Layout.Headline.Key;
        // Each judge's reading of each item's headline: the item is disputed when two judges read it differently.
        var judges = run.Scores.Where(p => p.Key.Length > 0).ToDictionary(p => p.Key,
            p => p.Value.ToDictionary(s => s.Id, s => s.Values.GetValueOrDefault(headline) is { } v ? (v ? "yes" : "no") : null));
        var perItem = new Dictionary<string, IReadOnlyDictionary<string, string?>>();
        IReadOnlyDictionary<string, string?> JudgesOf(string id) => perItem.TryGetValue(id, out var known) ? known
            : perItem[id] = judges.ToDictionary(p => p.Key, p => p.Value.GetValueOrDefault(id));
        bool Disputed(string id) => JudgesOf(id).Values.OfType<string>().Distinct().Count() > 1;
        var images = run.Samples.ToDictionary(s => s.Id, s => s.Images.Count);

        var all = data.Samples;
        var matched = all.Where(s =>
            (Category is null || s.Category == Category || s.SubCategory == Category) &&
            (Verdict is null || string.Equals(s.Verdict, Verdict, StringComparison.OrdinalIgnoreCase)) &&
            (Outcome is null || s.Outcome == Outcome) &&
            (!Disagree || Disputed(s.ItemId)) &&
            (string.IsNullOrWhiteSpace(Text) || Contains(s.ItemId, Text) || Contains(s.Question, Text) || Contains(s.Response, Text) ||
                s.Verdicts.Any(v => Contains(v.Raw, Text)))).ToList();
        int limit = Math.Clamp(Limit, 1, MaxLimit), offset = Math.Clamp(Offset, 0, Math.Max(0, matched.Count));
        var rows = matched.Skip(offset).Take(limit).Select(s => new ViewSampleRow(s.ItemId, s.Sample, s.Category, s.SubCategory, Cut(s.Question), Cut(s.Response),
            s.Outcome, s.Verdict, JudgesOf(s.ItemId), Disputed(s.ItemId), images.GetValueOrDefault(s.ItemId))).ToList();
        return new ViewSamplePage(all.Count, matched.Count, offset, limit, rows,
            [.. all.Select(s => s.Category).Concat(all.Select(s => s.SubCategory).OfType<string>()).Distinct().Order(StringComparer.Ordinal)],
            [.. all.Select(s => s.Verdict).Distinct().Order(StringComparer.Ordinal)],
            [.. all.Select(s => s.Outcome).Distinct().Order(StringComparer.Ordinal)], judges.Count > 1);
    }

    private static bool Contains(string? text, string what) => text is not null && text.Contains(what, StringComparison.OrdinalIgnoreCase);

    private static string Cut(string text) => text.Length <= ShortText ? text : text[..ShortText] + "…";
}
