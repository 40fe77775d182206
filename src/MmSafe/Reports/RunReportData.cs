using MmSafe.Runs.Stores;
using MmSafe.Images;
using MmSafe.Runs;

namespace MmSafe.Reports;

/// <summary>One answer with everything a reader wants to see about it.</summary>
/// <remarks>A long answer is cut for display (<see cref="AnswerCap.Shown"/>): <see cref="Response"/> then ends with a visible
/// mark and <see cref="FullLength"/> is the answer's whole length, as received.</remarks>
public sealed record ReportSample(string ItemId, string Category, string? SubCategory, int Sample, string Question, string Response,
    string Outcome, string? Error, IReadOnlyList<ReportVerdict> Verdicts, string Verdict)
{
    /// <summary>The whole answer's length in characters when <see cref="Response"/> shows only its start; null when it is whole.</summary>
    public int? FullLength { get; init; }

    /// <summary>The reasoning the server returned beside the answer (cut for display like the answer), never judged; null when there was none.</summary>
    public string? Reasoning { get; init; }

    /// <summary>The hidden reasoning tokens the server reported for the answer; null when it reported none.</summary>
    public long? ReasoningTokens { get; init; }
}

/// <summary>One judge reply, raw, with what it was read as.</summary>
public sealed record ReportVerdict(string Aspect, string? Raw, string Reading);

/// <summary>Everything a report or an exporter shows about one run, read from its store alone (the stored inputs, answers, verdicts and sample scores).</summary>
public sealed record RunReportData(string Directory, RunSpec Spec, string? Judge, RunScore Score, IReadOnlyList<ReportSample> Samples,
    IReadOnlyDictionary<string, ImageRef> Images)
{
    public string Title => $"{Spec.Benchmark}: {Spec.Target.Name}" + (Spec.Condition == Conditions.Official ? "" : $" ({Spec.Condition})") + (Judge is null ? "" : $" judged by {Judge}");

    public static RunReportData Load(string directory, string? judge = null)
    {
        RunContents run;
        using (var store = RunStores.OpenRead(directory)) run = store.Read();
        return From(run, judge);
    }

    public static RunReportData From(RunContents run, string? judge = null)
    {
        var score = RunScoring.Score(run, judge);
        var benchmark = run.Benchmark;
        var samples = run.Samples.ToDictionary(s => s.Id);
        var readings = score.Sheet.Items.ToDictionary(i => i.Id, i => i.Answers.ToDictionary(a => a.Sample));
        var verdicts = run.Verdicts.Where(v => v.Judge == score.Judge).ToLookup(v => (v.SampleId, v.Sample));
        var received = AnswerCap.Received(run.Events);
        var list = run.Answers.Where(a => samples.ContainsKey(a.SampleId)).Select(a =>
        {
            var sample = samples[a.SampleId];
            var reading = readings.GetValueOrDefault(a.SampleId)?.GetValueOrDefault(a.Sample);
            var replies = verdicts[(a.SampleId, a.Sample)].Select(v => new ReportVerdict(v.Aspect, v.Raw is null ? v.Error : AnswerCap.Shown(v.Raw).Text,
                reading?.Aspects.GetValueOrDefault(v.Aspect) ?? "not scored yet")).ToList();
            var (response, fullLength) = AnswerCap.Shown(a.ScoredText, received.TryGetValue((a.SampleId, a.Sample), out var length) ? length : null);
            return new ReportSample(a.SampleId, sample.Category, sample.SubCategory, a.Sample, benchmark.Question(sample), response, a.Outcome, a.Error,
                replies, a.Failed ? "error" : reading?.Headline ?? (a.IsAnswer ? "not judged" : a.Outcome))
            {
                FullLength = fullLength, Reasoning = a.Reasoning is null ? null : AnswerCap.Shown(a.Reasoning).Text, ReasoningTokens = a.ReasoningTokens,
            };
        }).ToList();
        var images = run.Samples.Where(s => s.Images.Count > 0).ToDictionary(s => s.Id, s => s.Images[0]);
        return new RunReportData(run.Directory, run.Spec, score.Judge, score, list, images);
    }
}
