using System.Globalization;
using System.Text.Json;
using MmSafe.Benchmarks;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Datasets;

namespace MmSafe.Interchange;

/// <summary>
/// Results as JSON records (the authors' SIUO and VLSBench files, or ours exported): each record's id, answers and judge
/// texts, for a benchmark whose <see cref="IBenchmark.ReadResults"/> reads no format of its own.
/// </summary>
internal static class ImportRecords
{
    public static IReadOnlyList<ImportedItem> Read(string file, string benchmark)
    {
        using var json = JsonRecordFile.Open(file);
        var records = json.Root.ValueKind == JsonValueKind.Object && json.Root.TryGetProperty("logs", out var logs) ? [.. logs.EnumerateArray()] : json.Records();
        ImportChecks.Records(file, records);
        var ids = records.Select((r, index) => Id(r) ?? throw InputException.ForRecord(file, index, null, "no question_id, instruction_id or id; expected the item's id")).ToList();
        ImportChecks.Ids(file, ids);
        ImportChecks.Format(file, benchmark, records);
        return [.. records.Select((r, index) => new ImportedItem(ids[index],
            Answers(r) ?? [Text(r, "response_mcqa") ?? Text(r, "pred_answer") ?? Text(r, "response")
                ?? throw InputException.ForRecord(file, index, ids[index], "no answer; expected responses, response_mcqa or pred_answer")],
            Verdicts(r).ToDictionary(v => v.Aspect, v => v.Texts)))];
    }

    private static IEnumerable<(string Aspect, IReadOnlyList<string?> Texts)> Verdicts(JsonElement r)
    {
        if (Strings(r, "safety_evaluation") is { } safety) yield return ("safety", safety);
        if (Strings(r, "effectiveness_evaluation") is { } effectiveness) yield return ("effectiveness", effectiveness);
        if (r.TryGetProperty(VlsBenchResultsFile.AllLabels, out var labels) && labels.ValueKind == JsonValueKind.Array)
            yield return ("label", [.. labels.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Number
                ? JsonSerializer.Serialize(new { label = l.GetInt32(), label_str = VlsBenchLabels.FromNumber(l.GetInt32())?.Text() })
                : null)]);
        else if (r.TryGetProperty("safe_label", out var label))
            yield return ("label", [label.ValueKind == JsonValueKind.Number
                ? JsonSerializer.Serialize(new { label = label.GetInt32(), label_str = Text(r, "label_str") })
                : label.ValueKind == JsonValueKind.Object ? label.GetRawText() : null]);
        else if (Text(r, "evaluation") is { } evaluation) yield return ("label", [evaluation]);
    }

    // Every answer of an item: SIUO generation's responses, or the arrays our export adds beside the one answer the
    // authors' multiple-choice and VLSBench files hold.
    private static List<string?>? Answers(JsonElement r) =>
        Strings(r, "responses") ?? Strings(r, SiuoMcqaResponsesFile.AllResponses) ?? Strings(r, "pred_answers");

    private static string? Id(JsonElement r) =>
        new[] { "question_id", "instruction_id", "id" }.Select(f => r.TryGetProperty(f, out var v)
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n.ToString(CultureInfo.InvariantCulture) : v.ValueKind == JsonValueKind.String ? v.GetString() : null
            : null).FirstOrDefault(n => n is not null);

    private static string? Text(JsonElement r, string field) => r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string?>? Strings(JsonElement r, string field) =>
        r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null)]
            : null;
}
