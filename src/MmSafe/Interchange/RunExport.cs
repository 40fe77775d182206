using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Runs;

namespace MmSafe.Interchange;

/// <summary>
/// Writes a run in the authors' file formats (each benchmark knows its own, so their scripts read it) or as JSONL,
/// one line per answer with every judge's raw replies. Both read the store alone.
/// </summary>
public static class RunExport
{
    private static readonly JsonSerializerOptions Indented = ReadableJson.Indented;

    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Official(RunContents run, string directory, string? judge = null)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var file in run.Benchmark.Official(run.Answered, judge ?? run.Spec.Judge?.Name))
        {
            var path = Path.Combine(directory, file.Name);
            File.WriteAllText(path, file.Content.ToJsonString(Indented));
            written.Add(path);
        }
        return written;
    }

    /// <summary>One JSON line per answer: item, sample, outcome, text or error, the reasoning apart, and every judge's raw replies.</summary>
    public static string Jsonl(RunContents run, string path)
    {
        var samples = run.Samples.ToDictionary(s => s.Id);
        var verdicts = run.Verdicts.ToLookup(v => (v.SampleId, v.Sample));
        var received = AnswerCap.Received(run.Events);
        if (Path.GetDirectoryName(path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
        using var writer = new StreamWriter(path);
        foreach (var a in run.Answers)
        {
            var sample = samples.GetValueOrDefault(a.SampleId);
            var judged = new JsonObject();
            foreach (var byJudge in verdicts[(a.SampleId, a.Sample)].GroupBy(v => v.Judge))
                judged[byJudge.Key] = new JsonObject([.. byJudge.Select(v => KeyValuePair.Create(v.Aspect, (JsonNode?)new JsonObject
                {
                    ["raw"] = v.Raw, ["outcome"] = v.Kind?.ToString(), ["error"] = v.Error,
                }))]);
            writer.WriteLine(new JsonObject
            {
                ["benchmark"] = run.Spec.Benchmark, ["item_id"] = a.SampleId, ["category"] = sample?.Category, ["sub_category"] = sample?.SubCategory,
                ["sample"] = a.Sample, ["outcome"] = a.Outcome, ["kind"] = a.Kind?.ToString(), ["response"] = a.ScoredText, ["error"] = a.Error,
                ["reasoning"] = a.Reasoning, ["reasoning_tokens"] = a.ReasoningTokens,
                ["cut_from_chars"] = received.TryGetValue((a.SampleId, a.Sample), out var length) ? length : null,
                ["latency_ms"] = a.LatencyMs, ["input_tokens"] = a.InputTokens, ["output_tokens"] = a.OutputTokens, ["cached"] = a.Cached, ["verdicts"] = judged,
            }.ToJsonString(ReadableJson.Compact));
        }
        return path;
    }
}
