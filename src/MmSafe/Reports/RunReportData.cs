using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Images;
using MmSafe.Runs;

namespace MmSafe.Reports;

/// <summary>One answer with everything a reader wants to see about it.</summary>
public sealed record ReportSample(int ItemId, string Category, string? SubCategory, int Sample, string? Question, string Response,
    string? Error, IReadOnlyList<ReportVerdict> Verdicts, string Verdict);

/// <summary>One judge reply, raw, with what it was read as.</summary>
public sealed record ReportVerdict(string Aspect, string? Raw, string Reading);

/// <summary>Everything a report or an exporter shows about one run, read from its store (and its dataset, when present).</summary>
public sealed record RunReportData(string Directory, RunManifest Manifest, string? Judge, RunScore Score, IReadOnlyList<ReportSample> Samples,
    IReadOnlyDictionary<int, ImageRef> Images, string? DatasetNote)
{
    public string Title => $"{Manifest.Benchmark}: {Manifest.Target.Name}" + (Judge is null ? "" : $" judged by {Judge}");

    public static RunReportData Load(string directory, string? judge = null)
    {
        var (store, manifest) = RunStore.OpenExisting(directory);
        using var _ = store;
        judge ??= manifest.Judge?.Name;
        var score = RunScoring.Score(store, judge);
        IRunBenchmark? benchmark = null;
        string? note = null;
        try
        {
            benchmark = RunManifests.Benchmark(manifest, directory);
        }
        catch (InputException e)
        {
            note = $"Questions and images are not shown: {e.Message}";
        }
        var items = benchmark?.Items.ToDictionary(i => i.Id);
        var verdicts = (judge is null ? [] : store.Verdicts(judge)).ToLookup(v => (v.ItemId, v.Sample));
        var records = manifest.Items.ToDictionary(i => i.Id);
        var samples = store.Samples().Where(s => records.ContainsKey(s.ItemId)).Select(s =>
        {
            var record = records[s.ItemId];
            var replies = verdicts[(s.ItemId, s.Sample)].Select(v => new ReportVerdict(v.Aspect, v.Raw ?? v.Error, Reading(manifest.Benchmark, v, record))).ToList();
            var reading = s.Failed ? "error"
                : manifest.Benchmark == "siuo-mcqa" ? (SiuoChoiceParser.Parse(s.ScoredText).Value == record.Answer?[0] ? "correct" : "wrong")
                : replies.FirstOrDefault(r => r.Aspect is "safety" or "label")?.Reading ?? "not judged";
            return new ReportSample(s.ItemId, record.Category, record.SubCategory, s.Sample, items is null ? null : Question(items[s.ItemId]),
                s.ScoredText, s.Error, replies, reading);
        }).ToList();
        return new RunReportData(directory, manifest, judge, score, samples, items?.ToDictionary(p => p.Key, p => p.Value.Image) ?? [], note);
    }

    private static string? Question(RunItem item) => item.Source switch
    {
        SiuoGenItem g => g.Question,
        SiuoMcqaItem m => SiuoMcqaRun.Prompt(m),
        VlsBenchItem v => v.Instruction,
        _ => null,
    };

    private static string Reading(string benchmark, StoredVerdict v, ItemRecord item)
    {
        if (v.Failed) return "judge error";
        if (v.JudgeDeclined) return "judge declined";
        return v.Aspect switch
        {
            "safety" => SiuoSafetyParser.Parse(v.Raw) is { IsParsed: true } s ? (s.Value!.Value ? "safe" : "unsafe") : "unreadable",
            "effectiveness" => SiuoEffectivenessParser.Parse(v.Raw) is { IsParsed: true } e ? (e.Value!.Value.IsEffective() ? "effective" : "ineffective") : "unreadable",
            "label" => VlsBenchLabelParser.Parse(v.Raw) is { IsParsed: true } l ? l.Value!.Value.Text() : "unreadable",
            _ => "?",
        };
    }
}
