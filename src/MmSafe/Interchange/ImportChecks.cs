using System.Text.Json;
using MmSafe.Benchmarks;
using MmSafe.Datasets;

namespace MmSafe.Interchange;

/// <summary>
/// What <see cref="RunImport"/> refuses before it creates anything: an empty file, a record that is not an object or
/// names no item, an item twice, and a file in another benchmark's format (which would otherwise be scored as this one).
/// </summary>
internal static class ImportChecks
{
    public static void Records(string file, IReadOnlyList<JsonElement> records)
    {
        if (records.Count == 0) throw new InputException($"{file} holds no records; expected at least one result.");
        for (int index = 0; index < records.Count; index++)
            if (records[index].ValueKind != JsonValueKind.Object)
                throw InputException.ForRecord(file, index, null, $"record is {RecordReader.Describe(records[index])}; expected an object");
    }

    public static void Ids(string file, IReadOnlyList<string> ids)
    {
        var first = new Dictionary<string, int>();
        for (int index = 0; index < ids.Count; index++)
            if (!first.TryAdd(ids[index], index))
                throw new InputException($"{file}: records {first[ids[index]]} and {index} both hold id {ids[index]}; expected one record per item.");
    }

    /// <summary>Refuses a file none of whose records has the answer field of <paramref name="benchmark"/>'s format.</summary>
    public static void Format(string file, string benchmark, IReadOnlyList<JsonElement> records)
    {
        // Where each benchmark's answers are in its authors' file, then the field our export adds for several answers.
        var fields = BenchmarkRegistry.Get(benchmark).ResultFields;
        if (fields.Count == 0) return;
        bool Has(JsonElement r, IReadOnlyList<string> any) => any.Any(f => r.TryGetProperty(f, out _));
        if (records.Any(r => Has(r, fields))) return;
        var lookalike = BenchmarkRegistry.All.Where(b => b.Name != benchmark && b.ResultFields.Count > 0)
            .Select(b => new KeyValuePair<string, IReadOnlyList<string>>(b.Name, b.ResultFields)).FirstOrDefault(b => records.Any(r => Has(r, b.Value)));
        throw new InputException($"{file}: no record has {string.Join(" or ", fields)}, where the authors' {benchmark} format holds the answers; "
            + (lookalike.Key is null
                ? $"expected {benchmark} results."
                : $"the file looks like {lookalike.Key} results ({lookalike.Value[0]}): import it with --benchmark {lookalike.Key}."));
    }
}
