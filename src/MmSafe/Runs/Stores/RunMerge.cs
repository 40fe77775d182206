namespace MmSafe.Runs.Stores;

/// <summary>
/// Joins the shards of one run (<c>mmsafe run --shard k/n</c>, made on machines that share no store) into one run
/// directory: the same spec apart from the selection, disjoint items; every sample, answer, verdict, score, caption
/// and event is copied as it is, so the merged run scores exactly as an unsharded one.
/// </summary>
public static class RunMerge
{
    public static async Task<RunSpec> MergeAsync(string output, IReadOnlyList<string> shards, CancellationToken cancellationToken = default)
    {
        if (shards.Count < 2) throw new InputException("merge needs at least two run directories.");
        if (RunStores.Exists(output)) throw new InputException($"{output}: a run already exists here; merge into a new directory.");
        var runs = new List<RunContents>();
        foreach (var dir in shards)
            using (var shardStore = RunStores.OpenRead(dir)) runs.Add(shardStore.Read());
        var first = runs[0];
        foreach (var other in runs.Skip(1))
        {
            var differences = Comparable(first.Spec).Differences(Comparable(other.Spec));
            if (differences.Count > 0)
                throw new InputException($"{other.Directory}: not a shard of the same run as {first.Directory} ({string.Join("; ", differences)}).");
            if (other.Spec.Judges.Select(j => j.Name).SequenceEqual(first.Spec.Judges.Select(j => j.Name)) is false)
                throw new InputException($"{other.Directory}: judged by {string.Join(", ", other.Spec.Judges.Select(j => j.Name))}, not {string.Join(", ", first.Spec.Judges.Select(j => j.Name))}.");
        }
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var run in runs)
            foreach (var id in run.Spec.Selection.SampleIds)
                if (!seen.TryAdd(id, run.Directory))
                    throw new InputException($"{run.Directory}: item {id} is also in {seen[id]}; shards must not overlap.");

        var ids = runs.SelectMany(r => r.Spec.Selection.SampleIds).OrderBy(id => id, IdOrder.Instance).ToList();
        var spec = first.Spec with
        {
            Selection = first.Spec.Selection with { SampleIds = ids, Shard = null },
            Operations = runs.SelectMany(r => r.Spec.Operations).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value),
        };
        var samples = runs.SelectMany(r => r.Samples).OrderBy(s => s.Id, IdOrder.Instance).ToList();
        using var merged = RunDirectory.Start(output, spec, samples);
        var store = merged.Store;
        foreach (var run in runs)
        {
            foreach (var a in run.Answers) await store.SaveAsync(a, cancellationToken).ConfigureAwait(false);
            foreach (var v in run.Verdicts) await store.SaveAsync(v, cancellationToken).ConfigureAwait(false);
            foreach (var (judge, scores) in run.Scores)
                foreach (var score in scores) await store.SaveScoreAsync(judge, score, cancellationToken).ConfigureAwait(false);
            foreach (var e in run.Events) await store.SaveAsync(e, cancellationToken).ConfigureAwait(false);
            using var source = RunStores.OpenRead(run.Directory);
            foreach (var (id, caption) in source.Captions()) await store.SaveCaptionAsync(id, "merged", caption, cancellationToken).ConfigureAwait(false);
        }
        return spec;
    }

    // Shards differ in their selection and in when they were made; nothing else may differ.
    private static RunSpec Comparable(RunSpec spec) => spec with { Selection = spec.Selection with { SampleIds = [], Shard = null }, CreatedAt = default };

    /// <summary>Numeric ids in number order, others after them in text order: the datasets' own order.</summary>
    private sealed class IdOrder : IComparer<string>
    {
        public static readonly IdOrder Instance = new();

        public int Compare(string? x, string? y) =>
            long.TryParse(x, out var a) && long.TryParse(y, out var b) ? a.CompareTo(b)
            : long.TryParse(x, out _) ? -1 : long.TryParse(y, out _) ? 1 : string.CompareOrdinal(x, y);
    }
}
