using System.Globalization;
using System.Text.Json;
using MmSafe.Datasets;

namespace MmSafe.Benchmarks.MossBench;

/// <summary>
/// Finds and loads MOSSBench's question files in the layouts users have: the authors' repository
/// (<c>data/images_information/information.json</c> with <c>data/images/</c>, <c>data_contrast/…</c> for the contrast
/// split) and the flat layout (<c>images_information/information.json</c>, <c>contrast/images_information/…</c>). A file
/// is a JSON object keyed by pid; <c>image</c> is relative to the folder that holds <c>images_information/</c>.
/// </summary>
public static class MossBenchData
{
    public const string InfoFile = "images_information/information.json";

    /// <summary>Where the benign file may be under a data root, in the order tried.</summary>
    public static readonly IReadOnlyList<string> BenignPlaces = [InfoFile, "data/" + InfoFile];

    /// <summary>Where the contrast file may be under a data root, in the order tried.</summary>
    public static readonly IReadOnlyList<string> ContrastPlaces = ["contrast/" + InfoFile, "data_contrast/" + InfoFile];

    /// <summary>The question file of one split under <paramref name="rootOrFile"/>, or null when there is none.</summary>
    public static string? Find(string rootOrFile, bool contrast)
    {
        var full = Path.GetFullPath(rootOrFile);
        if (File.Exists(full)) return full;
        if (!Directory.Exists(full)) return null;
        // The contrast split's own folder (contrast/ or data_contrast/) may be given as the root.
        var places = contrast && Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)) is "contrast" or "data_contrast" ? [InfoFile, .. ContrastPlaces]
            : contrast ? ContrastPlaces : BenignPlaces;
        return places.Select(p => Path.Combine(full, p)).FirstOrDefault(File.Exists);
    }

    /// <param name="rootOrFile">A data root in either layout, or an <c>information.json</c> itself.</param>
    public static Dataset<MossBenchItem> Load(string rootOrFile, bool contrast)
    {
        var file = Find(rootOrFile, contrast) ?? throw new InputException(Directory.Exists(rootOrFile) || File.Exists(rootOrFile)
            ? $"{rootOrFile}: no {string.Join(" or ", contrast ? ContrastPlaces : BenignPlaces)} here; expected a MOSSBench data root (the authors' repository or the flat layout)."
            : $"{rootOrFile}: no such directory or file; expected a MOSSBench data root.");
        // images_information/information.json: the data root is the folder above images_information.
        var root = Path.GetDirectoryName(Path.GetDirectoryName(file)!)!;
        using var json = JsonRecordFile.Open(file);
        if (json.Root.ValueKind != JsonValueKind.Object)
            throw new InputException($"{file}: the file is {RecordReader.Describe(json.Root)}; expected a JSON object keyed by pid.");
        var problems = new List<DatasetProblem>();
        var items = new List<MossBenchItem>();
        int index = 0;
        foreach (var property in json.Root.EnumerateObject())
        {
            var reader = new RecordReader(file, index++, property.Value, problems) { Id = property.Name };
            if (Read(reader, property.Name, root) is { } item) items.Add(item);
        }
        if (items.Count == 0 && problems.Count == 0)
            problems.Add(new DatasetProblem(file, null, null, "the file holds no items; expected at least one"));
        if (problems.Count > 0) throw new DatasetException(problems);
        return new Dataset<MossBenchItem>(file, root, json.Sha256, items);
    }

    private static MossBenchItem? Read(RecordReader r, string key, string root)
    {
        if (!r.IsObject)
        {
            r.Problem($"item is {RecordReader.Describe(r.Record)}; expected an object");
            return null;
        }
        if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            r.Problem($"key '{key}' is not a pid; expected a positive integer such as \"1\"");
            return null;
        }
        if (r.Has("pid") && r.Record.GetProperty("pid") is var pid && (pid.ValueKind == JsonValueKind.String ? pid.GetString() : pid.GetRawText()) != key)
            r.Problem($"field 'pid' is {RecordReader.Describe(pid)} but the item is keyed \"{key}\"; expected the same pid");
        var question = r.String("question");
        var image = DatasetLoader.Image(r, "image", root, root);
        var description = r.Has("description") ? r.String("description", allowEmpty: true) : "";
        var type = Type(r);
        return question is null || image is null || description is null || type is null ? null : new MossBenchItem(id, question, image, type, description);
    }

    private static string? Type(RecordReader r)
    {
        if (r.Object("metadata") is not { } metadata) return null;
        if (metadata.TryGetProperty("over", out var over) && over.ValueKind == JsonValueKind.String && MossBenchTypes.Labels.TryGetValue(over.GetString()!, out var label))
            return label;
        r.Problem($"field 'metadata.over' is {(metadata.TryGetProperty("over", out over) ? RecordReader.Describe(over) : "missing")}; expected \"type 1\", \"type 2\" or \"type 3\"");
        return null;
    }
}
