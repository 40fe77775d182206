using MmSafe.Images;

namespace MmSafe.Datasets;

/// <summary>
/// Loads a benchmark's JSON file into typed items, collecting every problem (missing or
/// duplicate ids, missing fields, wrong types, unsafe image paths) before failing. Image files
/// are not opened here: a 2,241-item dataset loads without reading a single image.
/// </summary>
public static class DatasetLoader
{
    /// <summary>Finds the file: <paramref name="rootOrFile"/> may be the data root or the JSON file itself.</summary>
    public static (string Root, string File) Locate(string rootOrFile, string fileName)
    {
        var full = Path.GetFullPath(rootOrFile);
        if (System.IO.File.Exists(full)) return (Path.GetDirectoryName(full)!, full);
        if (Directory.Exists(full)) return (full, Path.Combine(full, fileName));
        throw new InputException($"{rootOrFile}: no such directory or file; expected a data root containing {fileName}.");
    }

    /// <param name="idField">The record's integer id field.</param>
    /// <param name="read">Builds an item from a record whose id is known, or returns null after reporting problems.</param>
    public static Dataset<T> Load<T>(string root, string file, string idField, Func<RecordReader, int, T?> read)
        where T : class, IDatasetItem
    {
        using var json = JsonRecordFile.Open(file);
        var problems = new List<DatasetProblem>();
        var items = new List<T>();
        var firstIndexOfId = new Dictionary<int, int>();
        var records = json.Records($"a JSON array of records with '{idField}'");
        for (int index = 0; index < records.Count; index++)
        {
            var reader = new RecordReader(file, index, records[index], problems);
            if (!reader.IsObject)
            {
                reader.Problem($"record is {RecordReader.Describe(records[index])}; expected an object");
                continue;
            }
            var id = reader.Int(idField);
            if (id is null) continue;
            reader.Id = id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!firstIndexOfId.TryAdd(id.Value, index))
                reader.Problem($"duplicate {idField} {id}; it was first used by record {firstIndexOfId[id.Value]}; expected unique ids");
            var item = read(reader, id.Value);
            if (item is not null) items.Add(item);
        }
        if (records.Count == 0)
            problems.Add(new DatasetProblem(file, null, null, "the file holds no records; expected at least one"));
        if (problems.Count > 0) throw new DatasetException(problems);
        return new Dataset<T>(file, root, json.Sha256, items);
    }

    /// <summary>Resolves an image path read from a record, reporting paths that leave the root.</summary>
    public static ImageRef? Image(RecordReader reader, string field, string root, string relativeTo)
    {
        var relative = reader.String(field);
        if (relative is null) return null;
        var full = ImagePaths.Resolve(relativeTo, relative, out var problem);
        if (full is null)
        {
            reader.Problem($"field '{field}': {problem}");
            return null;
        }
        return new ImageRef(root, relative, full);
    }
}
