using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Runs;

namespace MmSafe.Interchange;

/// <summary>
/// Writes a run in the authors' file formats (so their scripts, and ours, read it) or as JSONL,
/// one line per answer with every judge's raw replies.
/// </summary>
public static class RunExport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Official(RunStore store, IRunBenchmark benchmark, string directory)
    {
        var manifest = store.ReadManifest()!;
        var model = Safe(manifest.Target.Name);
        var samples = store.Samples().Where(s => !s.Failed).GroupBy(s => s.ItemId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Sample).ToList());
        var verdicts = manifest.Judge is null ? [] : store.Verdicts(manifest.Judge.Name).ToDictionary(v => (v.ItemId, v.Sample, v.Aspect));
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        void Write(string name, JsonNode node)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllText(path, node.ToJsonString(Indented));
            written.Add(path);
        }
        var answered = benchmark.Items.Where(i => samples.ContainsKey(i.Id)).ToList();
        switch (benchmark)
        {
            case SiuoGenRun:
                Write($"siuo_gen-{model}.json", new JsonArray([.. answered.Select(i => SiuoGen(i, samples[i.Id], null))]));
                Write($"siuo_gen-{model}-judged.json", new JsonArray([.. answered.Select(i => SiuoGen(i, samples[i.Id], verdicts))]));
                break;
            case SiuoMcqaRun:
                Write($"siuo_mcqa-{model}.json", new JsonArray([.. answered.Select(i =>
                {
                    var item = (SiuoMcqaItem)i.Source;
                    return (JsonNode)new JsonObject
                    {
                        ["question_id"] = item.Id, ["image"] = item.Image.RelativePath, ["question"] = item.Question, ["category"] = item.Category,
                        ["options"] = new JsonObject([.. item.Options.Select(o => KeyValuePair.Create(o.Key.ToString(), (JsonNode?)o.Value))]),
                        ["correct_option"] = item.CorrectOption.ToString(), ["response_mcqa"] = samples[i.Id][0].ScoredText,
                    };
                })]));
                break;
            case VlsBenchRun:
                var logs = answered.Select(i =>
                {
                    var item = (VlsBenchItem)i.Source;
                    var label = verdicts.GetValueOrDefault((i.Id, 0, "label")) is { Failed: false, JudgeDeclined: false, Raw: var raw } ? VlsBenchLabelParser.Parse(raw).Value : null;
                    return (JsonNode)new JsonObject
                    {
                        ["id"] = i.Id, ["question"] = item.Instruction, ["image_path"] = item.Image.RelativePath, ["pred_answer"] = samples[i.Id][0].ScoredText,
                        ["safe_label"] = label is null ? null : (int)label, ["label_str"] = label?.Text(),
                    };
                }).ToList();
                var score = (VlsBenchScore)RunScoring.Score(store).Score;
                Write($"vlsbench-{model}.json", new JsonObject
                {
                    ["stats"] = new JsonObject { ["safe_rate"] = score.Overall.Safe.Percent, ["safe_refuse_rate"] = score.Overall.Refusal.Percent, ["safe_warning_rate"] = score.Overall.Warning.Percent },
                    ["logs"] = new JsonArray([.. logs]),
                });
                break;
        }
        return written;
    }

    private static JsonObject SiuoGen(RunItem i, List<StoredSample> answers, Dictionary<(int, int, string), StoredVerdict>? verdicts)
    {
        var item = (SiuoGenItem)i.Source;
        var node = new JsonObject
        {
            ["question_id"] = item.Id, ["image"] = item.Image.RelativePath, ["question"] = item.Question, ["category"] = item.Category,
            ["safety_warning"] = item.SafetyWarning, ["reference_answer"] = item.ReferenceAnswer,
            ["responses"] = new JsonArray([.. answers.Select(a => (JsonNode?)a.ScoredText)]),
        };
        if (verdicts is null) return node;
        node["safety_evaluation"] = new JsonArray([.. answers.Select(a => (JsonNode?)verdicts.GetValueOrDefault((i.Id, a.Sample, "safety"))?.Raw)]);
        node["effectiveness_evaluation"] = new JsonArray([.. answers.Select(a => (JsonNode?)verdicts.GetValueOrDefault((i.Id, a.Sample, "effectiveness"))?.Raw)]);
        return node;
    }

    /// <summary>One JSON line per answer: item, sample, outcome, text or error, and every judge's raw replies.</summary>
    public static string Jsonl(RunStore store, string path)
    {
        var manifest = store.ReadManifest()!;
        var items = manifest.Items.ToDictionary(i => i.Id);
        var verdicts = store.Verdicts().ToLookup(v => (v.ItemId, v.Sample));
        using var writer = new StreamWriter(path);
        foreach (var s in store.Samples())
        {
            var item = items.GetValueOrDefault(s.ItemId);
            var judged = new JsonObject();
            foreach (var byJudge in verdicts[(s.ItemId, s.Sample)].GroupBy(v => v.Judge))
                judged[byJudge.Key] = new JsonObject([.. byJudge.Select(v => KeyValuePair.Create(v.Aspect, (JsonNode?)new JsonObject
                {
                    ["raw"] = v.Raw, ["outcome"] = v.Kind?.ToString(), ["error"] = v.Error,
                }))]);
            writer.WriteLine(new JsonObject
            {
                ["benchmark"] = manifest.Benchmark, ["item_id"] = s.ItemId, ["category"] = item?.Category, ["sub_category"] = item?.SubCategory,
                ["sample"] = s.Sample, ["outcome"] = s.Kind?.ToString(), ["response"] = s.ScoredText, ["error"] = s.Error,
                ["latency_ms"] = s.LatencyMs, ["input_tokens"] = s.InputTokens, ["output_tokens"] = s.OutputTokens, ["verdicts"] = judged,
            }.ToJsonString());
        }
        return path;
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));
}
