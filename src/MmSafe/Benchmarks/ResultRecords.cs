using System.Globalization;
using System.Text.Json;
using MmSafe.Datasets;

namespace MmSafe.Benchmarks;

/// <summary>
/// Results as a JSON list of records (the authors' SIUO and VLSBench files, or ours exported), read for <c>import</c>:
/// each record's id, its answers from the benchmark's <see cref="IBenchmark.ResultFields"/> (arrays first, then single
/// answers, then <c>response</c>) and the judge texts the benchmark's reader finds. Refuses, before
/// anything is created, an empty file, a record that is not an object or names no item, an item twice, and a file in
/// another benchmark's format (which would otherwise be scored as this one).
/// </summary>
public static class ResultRecords
{
    public static IReadOnlyList<ImportedItem> Read(string file, IBenchmark benchmark,
        Func<JsonElement, IEnumerable<(string Aspect, IReadOnlyList<string?> Texts)>>? verdicts = null)
    {
        using var json = JsonRecordFile.Open(file);
        var records = json.Root.ValueKind == JsonValueKind.Object && json.Root.TryGetProperty("logs", out var logs) ? [.. logs.EnumerateArray()] : json.Records();
        if (records.Count == 0) throw new InputException($"{file} holds no records; expected at least one result.");
        for (int index = 0; index < records.Count; index++)
            if (records[index].ValueKind != JsonValueKind.Object)
                throw InputException.ForRecord(file, index, null, $"record is {RecordReader.Describe(records[index])}; expected an object");
        var ids = records.Select((r, index) => Id(r) ?? throw InputException.ForRecord(file, index, null, "no question_id, instruction_id or id; expected the item's id")).ToList();
        CheckIds(file, ids);
        CheckFormat(file, benchmark, records);
        IReadOnlyList<string> fields = [.. benchmark.ResultFields, "response"];
        return [.. records.Select((r, index) => new ImportedItem(ids[index],
            fields.Select(f => Strings(r, f)).FirstOrDefault(a => a is not null) ?? [fields.Select(f => Text(r, f)).FirstOrDefault(a => a is not null)
                ?? throw InputException.ForRecord(file, index, ids[index], $"no answer; expected {BenchmarkRegistry.Listed(fields)}")],
            (verdicts?.Invoke(r) ?? []).ToDictionary(v => v.Aspect, v => v.Texts)))];
    }

    /// <summary>Refuses an item twice.</summary>
    public static void CheckIds(string file, IReadOnlyList<string> ids)
    {
        var first = new Dictionary<string, int>();
        for (int index = 0; index < ids.Count; index++)
            if (!first.TryAdd(ids[index], index))
                throw new InputException($"{file}: records {first[ids[index]]} and {index} both hold id {ids[index]}; expected one record per item.");
    }

    // Refuses a file none of whose records has the answer field of the benchmark's format, naming the one it looks like.
    private static void CheckFormat(string file, IBenchmark benchmark, IReadOnlyList<JsonElement> records)
    {
        var fields = benchmark.ResultFields;
        if (fields.Count == 0) return;
        bool Has(JsonElement r, IReadOnlyList<string> any) => any.Any(f => r.TryGetProperty(f, out _));
        if (records.Any(r => Has(r, fields))) return;
        var lookalike = BenchmarkRegistry.All.FirstOrDefault(b => b.Name != benchmark.Name && b.ResultFields.Count > 0 && records.Any(r => Has(r, b.ResultFields)));
        throw new InputException($"{file}: no record has {string.Join(" or ", fields)}, where the authors' {benchmark.Name} format holds the answers; "
            + (lookalike is null
                ? $"expected {benchmark.Name} results."
                : $"the file looks like {lookalike.Name} results ({lookalike.ResultFields[0]}): import it with --benchmark {lookalike.Name}."));
    }

    private static string? Id(JsonElement r) =>
        new[] { "question_id", "instruction_id", "id" }.Select(f => r.TryGetProperty(f, out var v)
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n.ToString(CultureInfo.InvariantCulture) : v.ValueKind == JsonValueKind.String ? v.GetString() : null
            : null).FirstOrDefault(n => n is not null);

    /// <summary>A string field, or null.</summary>
    public static string? Text(JsonElement r, string field) => r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>An array field as strings (null for an element that is not one), or null when there is no array.</summary>
    public static List<string?>? Strings(JsonElement r, string field) =>
        r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null)]
            : null;
}
