using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Datasets;

namespace MmSafe.Runs;

/// <summary>Which items of a dataset to run: by category, by id, then the first N.</summary>
public sealed record RunFilter(int? Limit = null, IReadOnlyList<string>? Categories = null, IReadOnlyList<int>? Ids = null)
{
    public IReadOnlyList<T> Apply<T>(IReadOnlyList<T> items, string file) where T : IDatasetItem
    {
        IEnumerable<T> selected = items;
        if (Categories is { Count: > 0 } categories)
        {
            var unknown = categories.Except(items.Select(i => i.Category), StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
                throw new InputException($"{file}: no category {string.Join(", ", unknown.Select(c => $"'{c}'"))}; the categories are {string.Join(", ", items.Select(i => i.Category).Distinct().Select(c => $"'{c}'"))}.");
            selected = selected.Where(i => categories.Contains(i.Category));
        }
        if (Ids is { Count: > 0 } ids)
        {
            var unknown = ids.Except(items.Select(i => i.Id)).ToList();
            if (unknown.Count > 0) throw new InputException($"{file}: no item with id {string.Join(", ", unknown)}.");
            selected = selected.Where(i => ids.Contains(i.Id));
        }
        if (Limit is { } limit) selected = selected.Take(Math.Max(0, limit));
        var list = selected.ToList();
        return list.Count > 0 ? list : throw new InputException($"{file}: the filters select no items.");
    }
}

/// <summary>The benchmarks <c>mmsafe run</c> knows, by name.</summary>
public static class BenchmarkCatalog
{
    public static readonly IReadOnlyList<string> Names = ["siuo-gen", "siuo-mcqa", "vlsbench"];

    /// <param name="data">The benchmark's data root (or its JSON file).</param>
    /// <param name="samples">Answers per item instead of the protocol's.</param>
    public static IRunBenchmark Load(string name, string data, RunFilter? filter = null, int? samples = null)
    {
        filter ??= new RunFilter();
        if (samples is < 1) throw new InputException($"--samples must be at least 1, not {samples}.");
        switch (name)
        {
            case "siuo-gen":
                var gen = SiuoDataset.LoadGeneration(data);
                return new SiuoGenRun(gen, filter.Apply(gen.Items, gen.File)) { Samples = samples ?? 3 };
            case "siuo-mcqa":
                var mcqa = SiuoDataset.LoadMultipleChoice(data);
                return new SiuoMcqaRun(mcqa, filter.Apply(mcqa.Items, mcqa.File)) { Samples = samples ?? 1 };
            case "vlsbench":
                var vls = VlsBenchDataset.Load(data);
                return new VlsBenchRun(vls, filter.Apply(vls.Items, vls.File)) { Samples = samples ?? 1 };
            default:
                throw new InputException($"unknown benchmark '{name}'; expected one of {string.Join(", ", Names)}.");
        }
    }
}
