using MmSafe.Judging;
using MmSafe.Models;
using MmSafe.Scoring;

namespace MmSafe.Benchmarks;

/// <summary>What every benchmark's scorer shares: only real answers are scored; the others are counted and shown.</summary>
public static class Outcomes
{
    /// <summary>The counter of answers that were not real answers (filtered, empty, budget spent on reasoning, malformed, failed).</summary>
    public const string UnscoredAnswers = "unscored_answers";

    /// <summary>The real answers, and a reading for each of the others.</summary>
    public static (IReadOnlyList<JudgedAnswer> Real, IReadOnlyList<AnswerReading> Unscored) Split(IReadOnlyList<JudgedAnswer> answers) =>
        ([.. answers.Where(a => a.Answer.IsAnswer)],
         [.. answers.Where(a => !a.Answer.IsAnswer).Select(a => new AnswerReading(a.Sample, a.Answer.Outcome,
             new Dictionary<string, string>()))]);

    /// <summary>A stored judge reply as a parse outcome: a failure or a judge that declined is unparseable with that reason.</summary>
    public static ParseOutcome<T> Parse<T>(StoredVerdict? verdict, Func<string?, ParseOutcome<T>> parse) where T : struct =>
        verdict is null ? ParseOutcome<T>.Unparseable("not judged yet")
        : verdict.Failed ? ParseOutcome<T>.Unparseable($"judge request failed: {verdict.Error}")
        : verdict.Kind == CompletionKind.ReasoningOnly ? ParseOutcome<T>.Unparseable(
            "the judge's token limit was spent on hidden reasoning before it replied; give it room with --judge-reasoning-allowance N")
        : verdict.JudgeDeclined ? ParseOutcome<T>.Unparseable($"the judge declined ({verdict.Kind})")
        : parse(verdict.Raw);

    /// <summary>Readings in sample order, real and unscored together.</summary>
    public static IReadOnlyList<AnswerReading> InOrder(IEnumerable<AnswerReading> real, IEnumerable<AnswerReading> unscored) =>
        [.. real.Concat(unscored).OrderBy(r => r.Sample)];

    /// <summary>The reading of a verdict that could not be used: why.</summary>
    public static string Unusable(StoredVerdict? verdict) =>
        verdict is null ? "not judged" : verdict.Failed ? "judge error" : verdict.JudgeDeclined ? "judge declined"
        : verdict.Kind == CompletionKind.ReasoningOnly ? "judge's budget spent on reasoning" : "unreadable";
}
