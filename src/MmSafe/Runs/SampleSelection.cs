using MmSafe.Benchmarks;

namespace MmSafe.Runs;

/// <summary>Which items of a dataset to run: by category, by id, then N of them (stratified by category with a seed, or the first N).</summary>
public static class SampleSelection
{
    /// <param name="shard">"k/n": keep every n-th selected item starting at the k-th, so n machines split one run.</param>
    public static (RunSelection Selection, IReadOnlyList<Sample> Samples) Apply(BenchmarkData data, int? limit, IReadOnlyList<string>? categories, IReadOnlyList<string>? ids,
        string? shard = null, string? limitOrder = null, int? limitSeed = null)
    {
        var order = limitOrder ?? StratifiedLimit.Stratified;
        if (order is not (StratifiedLimit.Stratified or StratifiedLimit.First))
            throw new InputException($"--limit-order '{limitOrder}': expected stratified (a seeded sample by category, the default) or first (the first N items).");
        if (limitSeed is not null && (limit is null || order != StratifiedLimit.Stratified))
            throw new InputException("--limit-seed seeds the stratified sample of --limit N; give it with --limit (and not with --limit-order first).");
        if (limitOrder is not null && limit is null)
            throw new InputException($"--limit-order {limitOrder} says how --limit N chooses; give it with --limit.");
        IEnumerable<Sample> selected = data.Samples;
        if (limit is < 1) throw new InputException($"--limit must be at least 1, not {limit}.");
        if (categories is { Count: > 0 })
        {
            var known = data.Samples.Select(s => s.Category).Distinct().ToList();
            var unknown = categories.Except(known, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
                throw new InputException($"{data.File}: no category {string.Join(", ", unknown.Select(c => $"'{c}'"))}; the categories are {string.Join(", ", known.Select(c => $"'{c}'"))}.");
            selected = selected.Where(s => categories.Contains(s.Category));
        }
        if (ids is { Count: > 0 })
        {
            var unknown = ids.Except(data.Samples.Select(s => s.Id)).ToList();
            if (unknown.Count > 0) throw new InputException($"{data.File}: no item with id {string.Join(", ", unknown)}.");
            selected = selected.Where(s => ids.Contains(s.Id));
        }
        var list = selected.ToList();
        bool cut = limit is { } n && n < list.Count;
        if (cut) list = order == StratifiedLimit.First ? [.. list.Take(limit!.Value)] : [.. StratifiedLimit.Select(list, limit!.Value, limitSeed ?? StratifiedLimit.DefaultSeed)];
        if (shard is not null)
        {
            var (k, of) = ParseShard(shard);
            list = [.. list.Where((_, i) => i % of == k - 1)];
        }
        if (list.Count == 0) throw new InputException($"{data.File}: the filters select no items{(shard is null ? "" : $" in shard {shard}")}.");
        return (new RunSelection(limit, categories, ids, [.. list.Select(s => s.Id)], data.Samples.Count, shard,
            cut ? order : null, cut && order == StratifiedLimit.Stratified ? limitSeed ?? StratifiedLimit.DefaultSeed : null), list);
    }

    public static (int K, int N) ParseShard(string shard)
    {
        var parts = shard.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var k) && int.TryParse(parts[1], out var n) && n >= 1 && k >= 1 && k <= n) return (k, n);
        throw new InputException($"--shard '{shard}': expected k/n with 1 <= k <= n, e.g. 2/4 for the second of four shards.");
    }
}
