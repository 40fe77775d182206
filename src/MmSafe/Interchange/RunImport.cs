using MmSafe.Runs.Stores;
using System.Globalization;
using System.Text.Json;
using MmSafe.Benchmarks.MossBench;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Datasets;
using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Interchange;

/// <summary>
/// Reads results produced elsewhere (the authors' files, or ours exported) into a run store, so that <c>score</c>,
/// <c>judge</c>, <c>export</c> and reports work on them. Answers and judge texts are stored verbatim and every sample
/// is scored as a run would score it; the dataset supplies the inputs and is recorded by its hash.
/// </summary>
public static class RunImport
{
    public const string Provider = ModelSettings.ImportedProvider;

    public static async Task<RunSpec> ImportAsync(string file, string benchmarkName, string data, string directory, string model, string judge)
    {
        var benchmark = BenchmarkRegistry.Get(benchmarkName);
        // MOSSBench (issue 18): the authors' published .data.js response files are read as {id, response} records.
        using var js = MossBenchImport.IsDataJs(file) ? MossBenchImport.Records(file) : null;
        using var json = js is null ? JsonRecordFile.Open(file) : null;
        var records = js is not null ? [.. js.RootElement.EnumerateArray()]
            : json!.Root.ValueKind == JsonValueKind.Object && json.Root.TryGetProperty("logs", out var logs) ? [.. logs.EnumerateArray()] : json.Records();
        ImportChecks.Records(file, records);
        var ids = records.Select((r, index) => Id(r) ?? throw InputException.ForRecord(file, index, null, "no question_id, instruction_id or id; expected the item's id")).ToList();
        ImportChecks.Ids(file, ids);
        ImportChecks.Format(file, benchmark.Name, records);
        // Every record's answers are read before the run directory exists, so a refused file leaves nothing behind.
        var answersOf = records.Select((r, index) => Answers(r) ?? [Text(r, "response_mcqa") ?? Text(r, "pred_answer") ?? Text(r, "response")
            ?? throw InputException.ForRecord(file, index, ids[index], "no answer; expected responses, response_mcqa or pred_answer")]).ToList();
        var dataset = benchmark.Load(data);
        var byId = dataset.Samples.ToDictionary(s => s.Id);
        var unknown = ids.Where(id => !byId.ContainsKey(id)).ToList();
        if (unknown.Count > 0) throw new InputException($"{file}: {unknown.Count} ids are not in {dataset.File} (first: {string.Join(", ", unknown.Take(5))}); expected results of this dataset.");
        var samples = ids.Select(id => byId[id]).ToList();
        int perItem = answersOf.Max(a => a.Count);
        ModelSettings Imported(string name, Models.GenerationParameters p) => new(name, Provider, name, null, "", p, null, "", nameof(ChoicesMode.Parallel), "none");
        var spec = new RunSpec(benchmark.Name, benchmark.ProtocolVersion, RunSpec.CurrentToolVersion, dataset.File, dataset.Sha256,
            new RunSelection(null, null, ids, ids, dataset.Samples.Count), perItem, Imported(model, benchmark.Protocol.Target),
            benchmark.Protocol.Aspects.Count == 0 ? [] : [Imported(judge, benchmark.Protocol.Judge)], new Dictionary<string, ModelOperations>(), DateTimeOffset.UtcNow);
        if (RunStores.Exists(directory)) throw new InputException($"{directory}: a run already exists here; import into a new directory.");
        using var run = RunDirectory.Start(directory, spec, samples);
        var store = run.Store;
        var now = DateTimeOffset.UtcNow;
        for (int index = 0; index < records.Count; index++)
        {
            var r = records[index];
            string id = ids[index];
            var answers = answersOf[index];
            var stored = answers.Select((text, k) => new StoredAnswer(id, k, "imported", text is null ? CompletionKind.Empty : CompletionKind.Completed, text,
                null, null, null, null, null, 0, false, now)).ToList();
            foreach (var a in stored) await store.SaveAsync(a).ConfigureAwait(false);
            var verdicts = new List<StoredVerdict>();
            foreach (var (aspect, texts) in Verdicts(r))
                for (int k = 0; k < texts.Count; k++)
                    verdicts.Add(new StoredVerdict(judge, id, k, aspect, "imported", texts[k] is null ? null : CompletionKind.Completed, texts[k],
                        texts[k] is null ? "the imported file has no verdict for this answer" : null, null, null, 0, false, now));
            foreach (var v in verdicts) await store.SaveAsync(v).ConfigureAwait(false);
            var judged = stored.Select(a => new JudgedAnswer(a.Sample, a, verdicts.Where(v => v.Sample == a.Sample).ToDictionary(v => v.Aspect))).ToList();
            await store.SaveScoreAsync(benchmark.Protocol.Aspects.Count == 0 ? "" : judge, benchmark.Score(byId[id], judged)).ConfigureAwait(false);
        }
        return spec;
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
