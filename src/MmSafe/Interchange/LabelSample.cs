using System.Text.Json;
using System.Text.Json.Serialization;
using MmSafe.Benchmarks;
using MmSafe.Runs;

namespace MmSafe.Interchange;

/// <summary>Per category: how many items the population holds and how many were drawn.</summary>
public sealed record LabelStratum(
    [property: JsonPropertyName("population")] int Population,
    [property: JsonPropertyName("sampled")] int Sampled);

/// <summary>
/// The subset of a run a labelling sheet was drawn from, recorded in the run (a <see cref="RunEvent"/> of kind
/// <see cref="Kind"/> whose detail is this record as JSON), so that an estimate from the labels can check they are a
/// random sample of what it corrects: the seed, the strategy, the ids, the population's size and per-category counts.
/// </summary>
public sealed record LabelSample(
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("strategy")] string Strategy,
    [property: JsonPropertyName("population")] int Population,
    [property: JsonPropertyName("categories")] IReadOnlyDictionary<string, LabelStratum> Categories,
    [property: JsonPropertyName("ids")] IReadOnlyList<string> Ids)
{
    public const string Kind = "label-sample", Random = "random", ByCategory = "stratified";

    /// <summary>Draws <paramref name="count"/> of <paramref name="population"/> (the items with an answer), seeded:
    /// a simple random sample, or one per category in proportion to its size (largest remainders).</summary>
    public static LabelSample Draw(IReadOnlyList<Sample> population, int count, int seed, bool stratify)
    {
        var items = population.OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        var random = new Random(seed);
        List<Sample> chosen;
        if (!stratify) chosen = [.. items.OrderBy(_ => random.Next()).Take(count)];
        else
        {
            var groups = items.GroupBy(s => s.Category).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            int total = Math.Min(count, items.Count);
            var quota = groups.Select(g => (double)total * g.Count() / items.Count).ToList();
            var take = quota.Select(q => (int)Math.Floor(q)).ToList();
            foreach (int i in Enumerable.Range(0, groups.Count).OrderByDescending(i => quota[i] - take[i]).ThenBy(i => i).Take(total - take.Sum())) take[i]++;
            chosen = [.. groups.SelectMany((g, i) => g.OrderBy(_ => random.Next()).Take(take[i]))];
        }
        var sampled = chosen.GroupBy(s => s.Category).ToDictionary(g => g.Key, g => g.Count());
        var categories = items.GroupBy(s => s.Category).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new LabelStratum(g.Count(), sampled.GetValueOrDefault(g.Key)));
        return new LabelSample(seed, stratify ? ByCategory : Random, items.Count, categories, [.. chosen.Select(s => s.Id)]);
    }

    public RunEvent ToEvent() => new(DateTimeOffset.UtcNow, Kind, "", JsonSerializer.Serialize(this));

    /// <summary>The subsets recorded in a run, oldest first.</summary>
    public static IReadOnlyList<LabelSample> Recorded(RunContents run) =>
        [.. run.Events.Where(e => e.Kind == Kind).Select(e => JsonSerializer.Deserialize<LabelSample>(e.Detail)).OfType<LabelSample>()];
}
