using MmSafe.Benchmarks;

namespace MmSafe.Runs;

/// <summary>
/// <c>--limit N</c> as a seeded sample stratified by category: each category gets its proportional share (largest
/// remainder; at least one each when N covers the categories), its items drawn with the seed, all kept in dataset order.
/// The first N items of a dataset ordered by category would cover only some of them (100 SIUO items: 6 of 9).
/// </summary>
public static class StratifiedLimit
{
    /// <summary>The seed used when none is given (<c>--limit-seed</c>).</summary>
    public const int DefaultSeed = 1;

    public const string Stratified = "stratified", First = "first";

    /// <summary>N of <paramref name="items"/>, stratified by category with <paramref name="seed"/>; all of them when N covers them.</summary>
    public static IReadOnlyList<Sample> Select(IReadOnlyList<Sample> items, int n, int seed)
    {
        if (n >= items.Count) return items;
        var random = new Random(seed);
        var groups = items.Select((s, i) => (s, i)).GroupBy(x => x.s.Category, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        // A seeded order breaks ties between equal remainders, so no category is favoured by its place in the file.
        var tieBreak = groups.Select(_ => random.Next()).ToList();
        var floor = groups.Count <= n ? 1 : 0;
        var share = Allocate(groups.Select(g => g.Count - floor).ToList(), n - floor * groups.Count, tieBreak);
        var chosen = new List<(Sample Sample, int Index)>();
        for (int c = 0; c < groups.Count; c++)
            chosen.AddRange(groups[c].OrderBy(_ => random.Next()).Take(share[c] + floor));
        return [.. chosen.OrderBy(x => x.Index).Select(x => x.Sample)];
    }

    // Hamilton's method: floor of each exact share, then one more to the largest remainders.
    private static int[] Allocate(IReadOnlyList<int> sizes, int n, IReadOnlyList<int> tieBreak)
    {
        long total = sizes.Sum();
        var shares = new int[sizes.Count];
        if (total == 0 || n <= 0) return shares;
        var remainders = new (long Remainder, int Tie, int Index)[sizes.Count];
        for (int c = 0; c < sizes.Count; c++)
        {
            long exact = (long)n * sizes[c];
            shares[c] = (int)(exact / total);
            remainders[c] = (exact % total, tieBreak[c], c);
        }
        foreach (var (_, _, c) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Tie).Take(n - shares.Sum())) shares[c]++;
        return shares;
    }

    /// <summary>The deviation a limited selection shows, e.g. "a stratified sample of 100 of 167 items (seed 1) by category".</summary>
    public static string Describe(RunSelection selection) => selection.LimitOrder switch
    {
        Stratified => $"a stratified sample of {selection.SampleIds.Count} of {selection.DatasetItems} items (seed {selection.LimitSeed}) by category",
        First => $"the first {selection.SampleIds.Count} of {selection.DatasetItems} items",
        _ => $"{selection.SampleIds.Count} of {selection.DatasetItems} items",
    };
}
