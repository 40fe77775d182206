using System.Text.Json;
using MmSafe.Datasets;
using MmSafe.Judging;

namespace MmSafe.Benchmarks.VlsBench;

/// <summary>
/// Reads VLSBench results: the authors' output file (<c>{"stats", "logs": [{id, question,
/// pred_answer, safe_label, label_str}]}</c>) or an array of items that carry a judge text to
/// parse. The authors' logs carry no category; given the dataset, records are joined to it by
/// id (checking the question text) for per-category and per-sub-category rates.
/// </summary>
public static class VlsBenchResultsFile
{
    private static readonly string[] LabelFields = ["safe_label", "label"];
    private static readonly string[] TextFields = ["evaluation", "judge_output", "judgement", "judge_response", "judge"];

    /// <summary>
    /// The field our export adds when an item has several answers: each answer's label (null when unreadable), in sample
    /// order. The authors' script reads only <c>safe_label</c>, which holds the item's most frequent label.
    /// </summary>
    public const string AllLabels = "safe_labels";

    public static ImportedFile<VlsBenchJudged> Read(string path, Dataset<VlsBenchItem>? dataset = null)
    {
        using var json = JsonRecordFile.Open(path);
        IReadOnlyList<JsonElement> records = json.Root.ValueKind == JsonValueKind.Object && json.Root.TryGetProperty("logs", out var logs)
            && logs.ValueKind == JsonValueKind.Array
            ? [.. logs.EnumerateArray()]
            : json.Records("the authors' {\"stats\", \"logs\"} object or a JSON array of judged items");
        var byId = dataset?.Items.ToDictionary(i => i.Id);

        var items = RecordFileReader.ReadAll<IReadOnlyList<VlsBenchJudged>>(path, records, ["instruction_id", "id"], (r, id) =>
        {
            IReadOnlyList<ParseOutcome<VlsBenchLabel>>? labels = r.Has(AllLabels) ? ReadLabels(r) : [ReadLabel(r)];
            if (labels is null) return null;
            string? category = r.Has("category") ? r.String("category") : null;
            string? subCategory = r.Has("sub_category") ? r.String("sub_category") : null;
            if (byId is not null)
            {
                if (!byId.TryGetValue(id, out var item))
                {
                    r.Problem($"id {id} is not an instruction_id of {dataset!.File}; expected results for that dataset");
                    return null;
                }
                var question = new[] { "question", "instruction" }.Where(r.Has).Select(f => r.String(f, allowEmpty: true)).FirstOrDefault();
                if (question is not null && question.Trim() != item.Instruction.Trim())
                {
                    r.Problem($"question does not match instruction {id} of {dataset!.File}; expected results in the dataset's order");
                    return null;
                }
                category ??= item.Category;
                subCategory ??= item.SubCategory;
            }
            return [.. labels.Select(label => new VlsBenchJudged(id, category, subCategory, label))];
        }).SelectMany(i => i).ToList();

        if (items.All(i => i.Label.Reason == NoVerdict))
            throw new InputException($"{path}: no record has a verdict; expected {string.Join(", ", LabelFields.Concat(TextFields))} or label_str in each record.");
        var warnings = new List<string>();
        if (items.Count(i => i.Label.Reason == NoVerdict) is > 0 and var missing)
            warnings.Add($"{missing} records have no verdict field (a judge refusal is stored without a label); they are counted as invalid.");
        if (items.All(i => i.Category is null))
            warnings.Add($"{path} has no categories; pass the VLSBench data root (--data) for per-category and per-sub-category rates.");
        return new ImportedFile<VlsBenchJudged>(path, items, warnings);
    }

    private const string NoVerdict = "the record has no verdict";

    private static IReadOnlyList<ParseOutcome<VlsBenchLabel>>? ReadLabels(RecordReader r)
    {
        var value = r.Record.GetProperty(AllLabels);
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null)))
        {
            r.Problem($"field '{AllLabels}' is {RecordReader.Describe(value)}; expected an array of labels 1, 2, 3 or null");
            return null;
        }
        return [.. value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) && VlsBenchLabels.FromNumber(n) is { } label
            ? ParseOutcome<VlsBenchLabel>.Parsed(label)
            : ParseOutcome<VlsBenchLabel>.Unparseable($"{AllLabels} holds {e.GetRawText()}; the judge gave no readable verdict"))];
    }

    private static ParseOutcome<VlsBenchLabel> ReadLabel(RecordReader r)
    {
        foreach (var field in LabelFields.Concat(TextFields))
        {
            if (!r.Record.TryGetProperty(field, out var value)) continue;
            return value.ValueKind switch
            {
                JsonValueKind.Number => value.TryGetInt64(out var n) && VlsBenchLabels.FromNumber(n) is { } label
                    ? ParseOutcome<VlsBenchLabel>.Parsed(label)
                    : ParseOutcome<VlsBenchLabel>.Unparseable($"{field} is {value.GetRawText()}; expected 1, 2 or 3"),
                JsonValueKind.String => VlsBenchLabelParser.Parse(value.GetString()),
                JsonValueKind.Object => VlsBenchLabelParser.FromJson(value),
                _ => ParseOutcome<VlsBenchLabel>.Unparseable($"{field} is {RecordReader.Describe(value)}; the judge gave no verdict"),
            };
        }
        if (r.Has("label_str") && r.Record.GetProperty("label_str") is { ValueKind: JsonValueKind.String } text)
            return VlsBenchLabels.FromText(text.GetString()!) is { } fromText
                ? ParseOutcome<VlsBenchLabel>.Parsed(fromText)
                : ParseOutcome<VlsBenchLabel>.Unparseable($"label_str \"{text.GetString()}\" is not a VLSBench label");
        return ParseOutcome<VlsBenchLabel>.Unparseable(NoVerdict);
    }
}
