using System.Text.Json.Nodes;
using MmSafe.Benchmarks;
using MmSafe.Reports;
using MmSafe.Runs;
using MmSafe.Scoring;

namespace MmSafe.Interchange;

/// <summary>
/// The run as JSONL, one self-contained line per item (docs/JSONL.md): the item as sent, its images with their
/// SHA-256, the target and judges with the values sent, the condition, every answer with each judge's raw reply and the
/// verdict the scorer read from it, and the item's stored score. Read from the store alone; no reply is judged again.
/// </summary>
public static class JsonlExport
{
    /// <summary>The version of the line's shape; raised when a field changes meaning or goes away.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The judge key of the item scores of a benchmark without a judge (its answers are read by rule).</summary>
    private const string NoJudge = "";

    public static string Write(RunContents run, string path)
    {
        if (Path.GetDirectoryName(path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
        var context = new Context(run);
        using var writer = new StreamWriter(path);
        foreach (var sample in run.Samples) writer.WriteLine(context.Line(sample).ToJsonString(ReadableJson.Compact));
        return path;
    }

    private sealed class Context(RunContents run)
    {
        private readonly IBenchmark _benchmark = run.Benchmark;
        private readonly ILookup<string, StoredAnswer> _answers = run.Answers.ToLookup(a => a.SampleId);
        private readonly ILookup<(string, int), StoredVerdict> _verdicts = run.Verdicts.ToLookup(v => (v.SampleId, v.Sample));
        private readonly IReadOnlyDictionary<(string SampleId, int Sample), int> _received = AnswerCap.Received(run.Events);
        private readonly IReadOnlyList<(string? Judge, IReadOnlyDictionary<string, ItemScore> Items)> _scores = Scores(run);
        private readonly string? _judge = run.Benchmark.Protocol.Aspects.Count > 0 ? run.Spec.Judge?.Name : NoJudge;
        private readonly JsonNode _target = JsonlModels.Settings(run.Spec.Target);
        private readonly JsonArray _judges = new([.. run.Spec.Judges.Select(j => JsonlModels.Settings(j))]);
        private readonly ImageHashes _hashes = new();

        public JsonObject Line(Sample sample)
        {
            var scores = _scores.Where(s => s.Items.ContainsKey(sample.Id)).Select(s => (s.Judge, Score: s.Items[sample.Id])).ToList();
            var headline = scores.FirstOrDefault(s => s.Judge == (_judge == NoJudge ? null : _judge)).Score;
            string metric = _benchmark.Layout.Headline.Key;
            return new JsonObject
            {
                ["schema_version"] = SchemaVersion, ["benchmark"] = run.Spec.Benchmark, ["protocol_version"] = run.Spec.ProtocolVersion,
                ["dataset_sha256"] = run.Spec.DatasetSha256, ["item_id"] = sample.Id, ["category"] = sample.Category, ["sub_category"] = sample.SubCategory,
                ["question"] = _benchmark.Question(sample),
                ["fields"] = new JsonObject([.. sample.Fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))]),
                ["images"] = new JsonArray([.. sample.Images.Select(i => (JsonNode)new JsonObject { ["path"] = ImageHashes.RelativePath(i), ["sha256"] = _hashes.Of(i) })]),
                ["condition"] = run.Spec.Condition, ["model"] = _target.DeepClone(),
                ["captioner"] = run.Spec.Captioner is { } c ? JsonlModels.Settings(c) : null,
                ["judges"] = _judges.DeepClone(), ["samples_per_item"] = run.Spec.Samples,
                ["answers"] = new JsonArray([.. _answers[sample.Id].OrderBy(a => a.Sample).Select(a => (JsonNode)Answer(a, scores))]),
                ["scores"] = new JsonArray([.. scores.Select(s => (JsonNode)JsonlScores.Item(s.Judge, s.Score))]),
                ["score_judge"] = headline is null ? null : _judge == NoJudge ? null : _judge, ["score_metric"] = metric,
                ["scored"] = headline?.Scored,
                ["score"] = headline?.Values.GetValueOrDefault(metric) is { } value ? (value ? 1 : 0) : null,
            };
        }

        private JsonObject Answer(StoredAnswer a, IReadOnlyList<(string? Judge, ItemScore Score)> scores) => new()
        {
            ["index"] = a.Sample, ["outcome"] = a.Outcome, ["kind"] = a.Kind?.ToString(), ["text"] = a.ScoredText, ["error"] = a.Error,
            ["finish_reason"] = a.FinishReason, ["reasoning"] = a.Reasoning, ["reasoning_tokens"] = a.ReasoningTokens,
            ["cut_from_chars"] = _received.TryGetValue((a.SampleId, a.Sample), out var length) ? length : null,
            ["input_tokens"] = a.InputTokens, ["output_tokens"] = a.OutputTokens, ["latency_ms"] = a.LatencyMs, ["cached"] = a.Cached,
            ["reading"] = scores.FirstOrDefault(s => s.Judge is null).Score is { } rule ? JsonlScores.Reading(rule, a.Sample) : null,
            ["verdicts"] = new JsonArray([.. _verdicts[(a.SampleId, a.Sample)].OrderBy(v => JudgeOrder(v.Judge)).ThenBy(v => AspectOrder(v.Aspect))
                .Select(v => (JsonNode)Verdict(v, scores.FirstOrDefault(s => s.Judge == v.Judge).Score))]),
        };

        private JsonObject Verdict(StoredVerdict v, ItemScore? score)
        {
            var read = _benchmark.ReadVerdict(v);
            return new JsonObject
            {
                ["judge"] = v.Judge, ["aspect"] = v.Aspect, ["raw"] = v.Raw, ["kind"] = v.Kind?.ToString(), ["error"] = v.Error,
                ["by_rule"] = v.Identity == "rule", ["parsed"] = read.Value, ["parse_error"] = read.Problem,
                ["reading"] = score?.Answers.FirstOrDefault(r => r.Sample == v.Sample)?.Aspects.GetValueOrDefault(v.Aspect),
                ["input_tokens"] = v.InputTokens, ["output_tokens"] = v.OutputTokens, ["latency_ms"] = v.LatencyMs, ["cached"] = v.Cached,
            };
        }

        private int AspectOrder(string aspect) => _benchmark.Protocol.Aspects.ToList().IndexOf(aspect);

        private int JudgeOrder(string judge) => run.Spec.Judges.ToList().FindIndex(j => j.Name == judge) is var i and >= 0 ? i : int.MaxValue;

        // Each judge's stored item scores in the run's order (none for a benchmark without a judge), then their majority when there are several.
        private static IReadOnlyList<(string?, IReadOnlyDictionary<string, ItemScore>)> Scores(RunContents run)
        {
            var list = new List<(string?, IReadOnlyDictionary<string, ItemScore>)>();
            if (run.Scores.TryGetValue(NoJudge, out var rule)) list.Add((null, ById(rule)));
            foreach (var judge in run.Spec.Judges.Where(j => run.Scores.ContainsKey(j.Name))) list.Add((judge.Name, ById(run.Scores[judge.Name])));
            if (run.Spec.Judges.Count > 1 && run.Spec.FindJudge(RunScoring.Majority) is null) list.Add((RunScoring.Majority, ById(JudgePanel.Majority(run))));
            return list;
        }

        private static IReadOnlyDictionary<string, ItemScore> ById(IEnumerable<ItemScore> scores) => scores.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.Last());
    }
}
