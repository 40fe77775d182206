using System.Text.Json;

namespace MmSafe.Datasets;

/// <summary>
/// Walks the records of a results file, giving each a <see cref="RecordReader"/> with its id
/// set, and fails once at the end with every problem found.
/// </summary>
internal static class RecordFileReader
{
    public static List<T> ReadAll<T>(string file, IReadOnlyList<JsonElement> records, string[] idFields,
        Func<RecordReader, int, T?> read) where T : class
    {
        var problems = new List<DatasetProblem>();
        var items = new List<T>();
        var seen = new Dictionary<int, int>();
        for (int index = 0; index < records.Count; index++)
        {
            var reader = new RecordReader(file, index, records[index], problems);
            if (!reader.IsObject)
            {
                reader.Problem($"record is {RecordReader.Describe(records[index])}; expected an object");
                continue;
            }
            var idField = idFields.FirstOrDefault(reader.Has) ?? idFields[0];
            if (reader.Int(idField) is not { } id) continue;
            reader.Id = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!seen.TryAdd(id, index))
            {
                reader.Problem($"duplicate {idField} {id}; it was first used by record {seen[id]}; expected one record per item");
                continue;
            }
            if (read(reader, id) is { } item) items.Add(item);
        }
        if (records.Count == 0) problems.Add(new DatasetProblem(file, null, null, "the file holds no records; expected at least one"));
        if (problems.Count > 0) throw new DatasetException(problems);
        return items;
    }

    /// <summary>An array field of strings (null entries allowed), or null after reporting a problem.</summary>
    public static IReadOnlyList<string?>? Texts(RecordReader r, string field, string what = "judge texts")
    {
        var value = r.Record.GetProperty(field);
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)))
        {
            r.Problem($"field '{field}' is {RecordReader.Describe(value)}; expected an array of {what}");
            return null;
        }
        return [.. value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null)];
    }

    /// <summary>An array field of the authors' parsed codes (1, 0 or -1), or null after reporting a problem.</summary>
    public static IReadOnlyList<int>? Codes(RecordReader r, string field)
    {
        var value = r.Record.GetProperty(field);
        if (value.ValueKind == JsonValueKind.Array
            && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var c) && c is 1 or 0 or -1))
            return [.. value.EnumerateArray().Select(e => e.GetInt32())];
        r.Problem($"field '{field}' is {RecordReader.Describe(value)}; expected an array of verdict codes 1, 0 or -1");
        return null;
    }
}
