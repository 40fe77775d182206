using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;

namespace MmSafe.Runs;

/// <summary>Scores a run from its store alone: no dataset, no model.</summary>
public static class RunScoring
{
    /// <param name="judge">Whose verdicts to use; by default the manifest's judge, else the only judge in the store.</param>
    public static RunScore Score(RunStore store, string? judge = null)
    {
        var manifest = store.ReadManifest() ?? throw new InputException($"{store.Directory}: not a run directory (no manifest in {RunStore.FileName}).");
        judge ??= manifest.Judge?.Name;
        var samples = store.Samples();
        var verdicts = judge is null ? [] : store.Verdicts(judge);
        var score = manifest.Benchmark switch
        {
            "siuo-gen" => SiuoGenRun.Score(manifest.Items, samples, verdicts),
            "siuo-mcqa" => SiuoMcqaRun.Score(manifest.Items, samples),
            "vlsbench" => VlsBenchRun.Score(manifest.Items, samples, verdicts),
            var other => throw new InputException($"{store.Directory}: unknown benchmark '{other}' in the manifest."),
        };
        var warnings = new List<string>(score.Warnings);
        if (manifest.IsMock) warnings.Add("MOCK run: the target or the judge is the offline mock model; these numbers are not a real evaluation.");
        int missing = manifest.Items.Count * manifest.Samples - samples.Count;
        if (missing > 0) warnings.Add($"Incomplete run: {missing} answers are not in the store yet; resume with 'mmsafe run --resume {store.Directory}'.");
        return score with { Warnings = warnings };
    }
}
