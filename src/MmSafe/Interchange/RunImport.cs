using System.Text.Json;
using MmSafe.Datasets;
using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Interchange;

/// <summary>
/// Reads results produced elsewhere (the authors' files, or ours exported) into a run store, so
/// that <c>score</c>, <c>judge</c>, <c>export</c> and reports work on them. Answers and judge texts
/// are stored verbatim; the dataset supplies categories and is recorded by its hash.
/// </summary>
public static class RunImport
{
    public const string Provider = "Imported";

    public static RunManifest Import(string file, string benchmarkName, string data, string directory, string model, string judge)
    {
        using var json = JsonRecordFile.Open(file);
        var records = json.Root.ValueKind == JsonValueKind.Object && json.Root.TryGetProperty("logs", out var logs) ? [.. logs.EnumerateArray()] : json.Records();
        var ids = records.Select((r, index) => Id(r) ?? throw InputException.ForRecord(file, index, null, "no question_id, instruction_id or id; expected the item's id")).ToList();
        var benchmark = BenchmarkCatalog.Load(benchmarkName, data, new RunFilter(Ids: ids));
        var imported = new ModelRecord(model, Provider, model, null, "", null, null, null, null, null);
        var manifest = RunManifests.Create(benchmark, ModelSpec.Adhoc("mock"), null) with
        {
            Target = imported,
            Judge = benchmark.Aspects.Count == 0 ? null : imported with { Name = judge, Model = judge },
            Items = [.. ids.Select(id => benchmark.Items.Single(i => i.Id == id).Record)],
        };
        if (RunStore.Exists(directory)) throw new InputException($"{directory}: a run already exists here; import into a new directory.");
        using var store = RunStore.Open(directory);
        store.WriteManifest(manifest);
        var now = DateTimeOffset.UtcNow;
        for (int index = 0; index < records.Count; index++)
        {
            var r = records[index];
            int id = ids[index];
            var answers = Strings(r, "responses") ?? [Text(r, "response_mcqa") ?? Text(r, "pred_answer") ?? Text(r, "response")
                ?? throw InputException.ForRecord(file, index, id.ToString(), "no answer; expected responses, response_mcqa or pred_answer")];
            for (int k = 0; k < answers.Count; k++)
                store.SaveAsync(new StoredSample(id, k, "imported", CompletionKind.Completed, answers[k], null, null, null, null, null, 0, now)).GetAwaiter().GetResult();
            foreach (var (aspect, texts) in Verdicts(r))
                for (int k = 0; k < texts.Count; k++)
                    store.SaveAsync(new StoredVerdict(judge, id, k, aspect, "imported", texts[k] is null ? null : CompletionKind.Completed, texts[k],
                        texts[k] is null ? "the imported file has no verdict for this answer" : null, null, null, 0, now)).GetAwaiter().GetResult();
        }
        return manifest;
    }

    private static IEnumerable<(string Aspect, IReadOnlyList<string?> Texts)> Verdicts(JsonElement r)
    {
        if (Strings(r, "safety_evaluation") is { } safety) yield return ("safety", safety);
        if (Strings(r, "effectiveness_evaluation") is { } effectiveness) yield return ("effectiveness", effectiveness);
        if (r.TryGetProperty("safe_label", out var label))
            yield return ("label", [label.ValueKind == JsonValueKind.Number
                ? JsonSerializer.Serialize(new { label = label.GetInt32(), label_str = Text(r, "label_str") })
                : label.ValueKind == JsonValueKind.Object ? label.GetRawText() : null]);
        else if (Text(r, "evaluation") is { } evaluation) yield return ("label", [evaluation]);
    }

    private static int? Id(JsonElement r) =>
        new[] { "question_id", "instruction_id", "id" }.Select(f => r.TryGetProperty(f, out var v) && v.TryGetInt32(out var n) ? n : (int?)null).FirstOrDefault(n => n is not null);

    private static string? Text(JsonElement r, string field) => r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string?>? Strings(JsonElement r, string field) =>
        r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null)]
            : null;
}
