using Microsoft.Extensions.AI;
using MmSafe.Benchmarks;
using MmSafe.Images;
using MmSafe.Models;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// One request of a sample as every path sends it: who asks, the messages (the client adds the system prompt), the
/// response format, the identity it is stored and cached under, its answer number and, for a judge, its aspect.
/// </summary>
internal sealed record PlannedRequest(ModelSettings Settings, IReadOnlyList<ChatMessage> Messages, ChatResponseFormat? Format, string Identity, int Sample,
    string? Aspect = null)
{
    public GenerationParameters Parameters => Settings.Parameters;

    /// <summary>The same request without its response format (after the structured-output fallback), under that request's identity.</summary>
    public PlannedRequest WithoutFormat() => this with { Format = null, Identity = RequestIdentity.Compute(Settings, Messages, null, Sample, Aspect) };
}

/// <summary>
/// The one place that turns a sample into its requests and their results into stored records: which answers and
/// verdicts are missing, the target's and each judge's requests (condition, messages, parameters, response format,
/// identity, rule verdicts), and how a completion, a failure or an unreadable image is stored. The one-at-a-time path
/// and the batch path both send what it plans, so they cannot disagree.
/// </summary>
internal sealed class SamplePlan(RunSpec spec, IBenchmark benchmark)
{
    public IReadOnlyList<string> Aspects => benchmark.Protocol.Aspects;

    public int Samples => spec.Samples;

    public IBenchmark Benchmark => benchmark;

    /// <summary>The answer numbers still to ask for: never stored, or stored as a failure (failed, malformed).</summary>
    public IReadOnlyList<int> MissingAnswers(SampleWork work) => [.. Enumerable.Range(0, spec.Samples).Where(k => work.Answer(k) is null or { NeedsRetry: true })];

    /// <summary>The aspects on which <paramref name="judge"/> still has to judge answer <paramref name="k"/>.</summary>
    public IEnumerable<string> MissingAspects(SampleWork work, string judge, int k, bool retryDeclined) =>
        Aspects.Where(a => work.Verdict(judge, k, a) is not { } v || Redo(v, retryDeclined));

    public static bool Redo(StoredVerdict v, bool retryDeclined) => v.NeedsRetry || retryDeclined && v.JudgeDeclined;

    /// <summary>The target's requests for answers <paramref name="ks"/>: the benchmark's messages shown under the run's condition (a caption already in the sample's fields).</summary>
    public IReadOnlyList<PlannedRequest> Target(Sample sample, IReadOnlyList<ImageData> images, IReadOnlyList<int> ks)
    {
        var messages = Conditions.Apply(benchmark.TargetMessages(sample, images), sample, spec.Condition);
        return [.. ks.Select(k => new PlannedRequest(spec.Target, messages, null, RequestIdentity.Compute(spec.Target, messages, null, k), k))];
    }

    /// <summary>A judge's request about <paramref name="answer"/> on <paramref name="aspect"/>, or the verdict the benchmark's rule gives without asking.</summary>
    /// <param name="formatOff">The judge's endpoint rejected response_format (the structured-output fallback): the prompt alone is sent.</param>
    public (PlannedRequest? Request, StoredVerdict? Rule) Judge(Sample sample, StoredAnswer answer, string aspect, ModelSettings judge, bool formatOff, IReadOnlyList<ImageData> images)
    {
        var request = benchmark.Judge(sample, aspect, answer.ScoredText, judge.SeesImage ? images : []);
        if (request.RuleVerdict is { } rule)
            return (null, new StoredVerdict(judge.Name, sample.Id, answer.Sample, aspect, "rule", CompletionKind.Completed, rule, null, null, null, 0, false, DateTimeOffset.UtcNow));
        var format = judge.StructuredOutput == "none" || formatOff ? null : benchmark.Protocol.JudgeFormat;
        return (new PlannedRequest(judge, request.Messages!, format, RequestIdentity.Compute(judge, request.Messages!, format, answer.Sample, aspect), answer.Sample, aspect), null);
    }

    /// <summary>An answer as it is stored (cut to <see cref="AnswerCap.StoredChars"/>, with the event recording a cut).</summary>
    public (StoredAnswer Answer, RunEvent? Cut) Answer(string sampleId, PlannedRequest request, Completion c, bool cached) =>
        AnswerCap.Apply(new StoredAnswer(sampleId, request.Sample, request.Identity, c.Kind,
            c.Kind.IsAnswer() || c.Kind == CompletionKind.ContentFiltered ? benchmark.Normalise(c.Text) : c.Text, c.Refusal, c.FinishReason, null,
            c.InputTokens, c.OutputTokens, cached ? 0 : c.Latency.TotalMilliseconds, cached, DateTimeOffset.UtcNow, c.Reasoning, c.ReasoningTokens), spec.Target.Model);

    /// <summary>An answer that could not be had (a failed request, the captioner failing, an unreadable image): stored as a failure, asked again on resume.</summary>
    public static StoredAnswer FailedAnswer(string sampleId, int k, string identity, string error) =>
        new(sampleId, k, identity, null, null, null, null, error, null, null, 0, false, DateTimeOffset.UtcNow);

    public static StoredVerdict Verdict(string sampleId, PlannedRequest request, Completion c, bool cached) =>
        new(request.Settings.Name, sampleId, request.Sample, request.Aspect!, request.Identity, c.Kind, c.Kind.IsAnswer() ? c.ScoredText : c.Refusal ?? c.Text, null,
            c.InputTokens, c.OutputTokens, cached ? 0 : c.Latency.TotalMilliseconds, cached, DateTimeOffset.UtcNow);

    /// <summary>A verdict that could not be had (a failed request, an unreadable image): stored as a failure, asked again on resume.</summary>
    public static StoredVerdict FailedVerdict(string judge, string sampleId, int k, string aspect, string identity, string error) =>
        new(judge, sampleId, k, aspect, identity, null, null, error, null, null, 0, false, DateTimeOffset.UtcNow);
}
