using MmSafe.Runs.Stores;
using MmSafe.Benchmarks;
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
        // Every item's answers are read before the run directory exists, so a refused file leaves nothing behind.
        var items = benchmark.ReadResults(file) ?? ResultRecords.Read(file, benchmark);
        if (items.Count == 0) throw new InputException($"{file} holds no results; expected at least one item.");
        var ids = items.Select(i => i.Id).ToList();
        ResultRecords.CheckIds(file, ids);
        var dataset = benchmark.Load(data);
        var byId = dataset.Samples.ToDictionary(s => s.Id);
        var unknown = ids.Where(id => !byId.ContainsKey(id)).ToList();
        if (unknown.Count > 0) throw new InputException($"{file}: {unknown.Count} ids are not in {dataset.File} (first: {string.Join(", ", unknown.Take(5))}); expected results of this dataset.");
        var samples = ids.Select(id => byId[id]).ToList();
        int perItem = items.Max(i => i.Answers.Count);
        // A file without any verdict (MOSSBench's published responses) records no judge: a placeholder judge with nothing
        // but rule verdicts would score as if judged. `mmsafe judge` then adds the first real one.
        bool judged = benchmark.Protocol.Aspects.Count > 0 && items.Any(i => i.Verdicts.Count > 0);
        ModelSettings Imported(string name, Models.GenerationParameters p) => new(name, Provider, name, null, "", p, null, "", nameof(ChoicesMode.Parallel), "none");
        var spec = new RunSpec(benchmark.Name, benchmark.ProtocolVersion, RunSpec.CurrentToolVersion, dataset.File, dataset.Sha256,
            new RunSelection(null, null, ids, ids, dataset.Samples.Count), perItem, Imported(model, benchmark.Protocol.Target),
            judged ? [Imported(judge, benchmark.Protocol.Judge)] : [], new Dictionary<string, ModelOperations>(), DateTimeOffset.UtcNow);
        if (RunStores.Exists(directory)) throw new InputException($"{directory}: a run already exists here; import into a new directory.");
        using var run = RunDirectory.Start(directory, spec, samples);
        var store = run.Store;
        var now = DateTimeOffset.UtcNow;
        for (int index = 0; index < items.Count; index++)
        {
            string id = ids[index];
            var answers = items[index].Answers;
            var stored = answers.Select((text, k) => new StoredAnswer(id, k, "imported", text is null ? CompletionKind.Empty : CompletionKind.Completed, text,
                null, null, null, null, null, 0, false, now)).ToList();
            foreach (var a in stored) await store.SaveAsync(a).ConfigureAwait(false);
            var verdicts = new List<StoredVerdict>();
            foreach (var (aspect, texts) in items[index].Verdicts)
                for (int k = 0; k < texts.Count; k++)
                    verdicts.Add(new StoredVerdict(judge, id, k, aspect, "imported", texts[k] is null ? null : CompletionKind.Completed, texts[k],
                        texts[k] is null ? "the imported file has no verdict for this answer" : null, null, null, 0, false, now));
            foreach (var v in verdicts) await store.SaveAsync(v).ConfigureAwait(false);
            var answered = stored.Select(a => new JudgedAnswer(a.Sample, a, verdicts.Where(v => v.Sample == a.Sample).ToDictionary(v => v.Aspect))).ToList();
            if (benchmark.Protocol.Aspects.Count == 0) await store.SaveScoreAsync("", benchmark.Score(byId[id], answered)).ConfigureAwait(false);
            else if (judged) await store.SaveScoreAsync(judge, benchmark.Score(byId[id], answered)).ConfigureAwait(false);
        }
        return spec;
    }
}
