namespace MmSafe.Scoring;

/// <summary>The rates and counters of one group of items (overall, a category or a sub-category).</summary>
/// <param name="Items">Items in the group, including those without a valid verdict or a real answer.</param>
/// <param name="Unscored">Items without any real answer, left out of the rates.</param>
public sealed record GroupScore(string Name, int Items, int Unscored, IReadOnlyDictionary<string, int> Counts, IReadOnlyDictionary<string, Rate> Rates)
{
    /// <summary>The rate of one metric.</summary>
    public Rate this[string metric] => Rates[metric];
}

/// <summary>
/// The headline rate if every item without a headline verdict had gone the better way (best) or the worse way (worst) by the
/// metric's direction:
/// items with no real answer (failed, filtered, empty, malformed), items whose judge failed or whose verdict could not
/// be read, and items of the run with no stored score at all.
/// </summary>
/// <param name="Undecided">How many items that is.</param>
public sealed record Bounds(Rate Best, Rate Worst, int Undecided = 0);

/// <summary>
/// A benchmark's whole score: its layout, the overall group, per category and per sub-category groups, every item
/// score, and the headline under best and worst treatment of items that had no real answer. Metrics are small
/// functions over the item scores (Inspect's idea), so every benchmark shares this one aggregation.
/// </summary>
public sealed record ScoreSheet(ScoreLayout Layout, GroupScore Overall, IReadOnlyList<GroupScore> Categories,
    IReadOnlyList<GroupScore> SubCategories, IReadOnlyList<ItemScore> Items, Bounds Headline)
{
    public Rate HeadlineRate => Overall.Rates[Layout.Headline.Key];

    /// <param name="unlisted">Items of the run that have no item score at all (not scored yet); they widen the bounds.</param>
    public static ScoreSheet Aggregate(ScoreLayout layout, IEnumerable<ItemScore> items, int unlisted = 0)
    {
        var list = items.ToList();
        var overall = Group("Overall", list, layout);
        var categories = list.Where(i => i.Category is not null).GroupBy(i => i.Category!).Select(g => Group(g.Key, [.. g], layout)).ToList();
        var subCategories = layout.BySubCategory
            ? list.Where(i => i.SubCategory is not null).GroupBy(i => i.SubCategory!).Select(g => Group(g.Key, [.. g], layout)).ToList()
            : [];
        // Every item that has no headline verdict, for whatever reason, could have gone either way. Counting only the
        // items without a real answer let a failed or unreadable judge verdict vanish from both bounds.
        var headline = overall.Rates[layout.Headline.Key];
        int n = list.Count + Math.Max(0, unlisted), undecided = n - headline.Count;
        Rate all = Rate.Of(headline.Successes + undecided, n, layout.Rounding), none = Rate.Of(headline.Successes, n, layout.Rounding);
        // Best and worst follow the metric's direction: for a rate that is better lower, every undecided item counting is the worst case.
        var bounds = layout.Headline.HigherIsBetter ? new Bounds(all, none, undecided) : new Bounds(none, all, undecided);
        return new ScoreSheet(layout, overall, categories, subCategories, list, bounds);
    }

    private static GroupScore Group(string name, IReadOnlyList<ItemScore> items, ScoreLayout layout)
    {
        var scored = items.Where(i => i.Scored).ToList();
        var rates = layout.Metrics.ToDictionary(m => m.Key, m =>
        {
            var tally = new Tally();
            foreach (var item in scored) tally.Add(item.Values.GetValueOrDefault(m.Key));
            return tally.ToRate(layout.Rounding);
        });
        var counts = layout.Counters.ToDictionary(c => c.Key, c => items.Sum(i => i.Counts.GetValueOrDefault(c.Key)));
        return new GroupScore(name, items.Count, items.Count - scored.Count, counts, rates);
    }
}
