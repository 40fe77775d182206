using MmSafe.Models;
using MmSafe.Runs;
using MmSafe.Scoring;

namespace MmSafe.Reports;

/// <summary>How complete a run is, in counts, and in words when it is not.</summary>
/// <param name="Missing">Answers not in the store yet.</param>
/// <param name="FailedAnswers">Answers whose request failed for good, or whose reply was malformed.</param>
/// <param name="FailedVerdicts">Judge requests that failed for good.</param>
/// <param name="Unscored">Samples with no stored score.</param>
public sealed record Completeness(int Missing, int FailedAnswers, int FailedVerdicts, int Unscored, int ScoredItems)
{
    public bool IsComplete => Missing == 0 && FailedAnswers == 0 && FailedVerdicts == 0 && Unscored == 0 && ScoredItems > 0;

    /// <summary>Resuming would ask or score something; false when everything is stored and nothing could be scored
    /// (every answer an outcome that is not scored, such as budget spent on reasoning, which asking again would repeat).</summary>
    public bool Resumable => Missing > 0 || FailedAnswers > 0 || FailedVerdicts > 0 || Unscored > 0;

    public string Describe() => IsComplete ? "complete" : string.Join("; ", new[]
    {
        Missing > 0 ? $"{Missing} answers not asked yet" : null,
        FailedAnswers > 0 ? $"{FailedAnswers} target requests failed or were malformed" : null,
        FailedVerdicts > 0 ? $"{FailedVerdicts} judge requests failed" : null,
        Unscored > 0 ? $"{Unscored} samples not scored yet" : null,
        ScoredItems == 0 ? "no item could be scored (no readable verdict or answer)" : null,
    }.OfType<string>());
}

/// <summary>A run's score as read from its store: the sheet, whose judge, outcomes of every answer, deviations and warnings.</summary>
public sealed record RunScore(RunContents Run, string? Judge, ScoreSheet Sheet, IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyList<string> UnscoredAnswers, IReadOnlyList<string> Deviations, IReadOnlyList<string> Warnings, Completeness Completeness);

/// <summary>Scores a run from its store alone: the stored sample scores, aggregated. No dataset, no model, no re-parsing.</summary>
public static class RunScoring
{
    /// <summary>The pseudo-judge whose verdict on each item is the majority of the run's judges.</summary>
    public const string Majority = "majority";

    /// <param name="judge">Whose verdicts to use; by default the run's judge.</param>
    public static RunScore Score(RunContents run, string? judge = null)
    {
        var spec = run.Spec;
        var benchmark = run.Benchmark;
        bool judged = benchmark.Protocol.Aspects.Count > 0;
        if (judge is not null && !judged) throw new InputException($"{run.Directory}: {spec.Benchmark} has no judge; score it without --judge.");
        judge = judged ? judge ?? spec.Judge?.Name : null;
        bool majority = judge == Majority && spec.FindJudge(Majority) is null;
        if (majority && spec.Judges.Count < 2) throw new InputException($"{run.Directory}: --judge {Majority} needs at least two judges; this run has {spec.Judges.Count}.");
        if (judge is not null && !majority && spec.FindJudge(judge) is null)
            throw new InputException($"{run.Directory}: no judge '{judge}' in this run; its judges are {(spec.Judges.Count == 0 ? "none" : string.Join(", ", spec.Judges.Select(j => $"'{j.Name}'")))}.");
        var scores = majority ? JudgePanel.Majority(run) : run.Scores.GetValueOrDefault(judge ?? "") ?? [];
        var sheet = ScoreSheet.Aggregate(benchmark.Layout, scores, run.Samples.Count - scores.Select(s => s.Id).Distinct().Count());

        var answers = run.Answers;
        var verdicts = judge is null ? [] : run.Verdicts.Where(v => majority ? spec.FindJudge(v.Judge) is not null : v.Judge == judge).ToList();
        var outcomes = answers.GroupBy(a => a.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        var unscored = answers.Where(a => !a.IsAnswer).Select(a => $"{a.SampleId}#{a.Sample + 1}: {a.Outcome}{(a.Error ?? a.Refusal) switch { null => "", var why => $" ({why})" }}").ToList();
        var completeness = new Completeness(
            run.Samples.Count * spec.Samples - answers.Count,
            answers.Count(a => a.NeedsRetry),
            verdicts.Count(v => v.NeedsRetry),
            majority ? spec.Judges.Sum(j => run.Samples.Count - (run.Scores.GetValueOrDefault(j.Name)?.Count ?? 0)) : run.Samples.Count - scores.Count,
            // An item counts as scored when it has a headline verdict: all replies unreadable is "no item could be scored".
            scores.Count(s => s.Scored && s.Values.GetValueOrDefault(benchmark.Layout.Headline.Key) is not null));

        var deviations = Deviations(run, judge is null ? [] : majority ? null : [judge]);
        var warnings = new List<string>();
        if (spec.IsMock) warnings.Add("MOCK run: the target or the judge is the offline mock model; these numbers are not a real evaluation.");
        if (deviations.Count > 0) warnings.Add($"Not the official protocol: {string.Join("; ", deviations)}.");
        int spent = answers.Count(a => !a.Failed && a.Kind == CompletionKind.ReasoningOnly);
        if (spent > 0) warnings.Add(ReasoningBudgetSpent(spent));
        // A judge's verdicts emptied the same way are otherwise only "unreadable" in the tables: say why, and the fix.
        foreach (var emptied in verdicts.Where(v => !v.Failed && v.Kind == CompletionKind.ReasoningOnly).GroupBy(v => v.Judge).OrderBy(g => g.Key, StringComparer.Ordinal))
            warnings.Add(JudgeReasoningBudgetSpent(emptied.Key, emptied.Count()));
        if (!completeness.IsComplete)
        {
            // The last session ended on a refused parameter (and the settings did not change since): resuming asks the same.
            var last = run.Events.LastOrDefault(e => e.Kind is RunEvents.ParameterRefused or RunEvents.SettingsChanged);
            warnings.Add($"Incomplete run: {completeness.Describe()}" + (!completeness.Resumable ? "."
                // Answers with no judge at all (imported responses without verdicts): judging, not resuming, scores them.
                : judged && run.Spec.Judges.Count == 0 ? $"; the run has no judge yet: judge its answers with 'mmsafe judge {run.Directory} --judge MODEL'."
                : last?.Kind == RunEvents.ParameterRefused ? $"; the last session stopped because an endpoint refused a parameter, which a resume would send again: {last.Detail}" +
                    (run.Spec.FindJudge(last.Model) is not null ? $" To judge the stored answers with the fix: 'mmsafe judge {run.Directory} --judge {last.Model}' with the fixed flags." : "")
                : $"; resume with 'mmsafe run --resume {run.Directory}'."));
        }
        if (sheet.Headline.Undecided > 0)
            warnings.Add($"{sheet.Headline.Undecided} items have no {benchmark.Layout.Headline.Label.ToLowerInvariant()} verdict ({sheet.Overall.Unscored} with no real answer: filtered, empty, budget spent on reasoning or failed; the others with a failed or unreadable verdict, or not scored yet) and are left out; " + (benchmark.Layout.Headline.HigherIsBetter
                ? $"it would be {sheet.Headline.Best.Percent:F2}% if they all counted as successes, {sheet.Headline.Worst.Percent:F2}% if none did."
                : $"it would be {sheet.Headline.Best.Percent:F2}% at best, if none counted as {benchmark.Layout.Headline.Described}, {sheet.Headline.Worst.Percent:F2}% at worst, if all did (lower is better)."));
        return new RunScore(run, judge, sheet, outcomes, unscored, deviations, warnings, completeness);
    }

    /// <summary>What to say of answers emptied by hidden reasoning: how many, why, and how to give the model room.</summary>
    public static string ReasoningBudgetSpent(int answers) =>
        $"{answers} {(answers == 1 ? "answer was" : "answers were")} emptied by the token budget spent on hidden reasoning (finish_reason length); " +
        "give the model room with --reasoning-allowance N (or parameters: { reasoning_effort: low } in the models file); the allowance is recorded as a deviation.";

    /// <summary>What to say of a judge's verdicts emptied by hidden reasoning: how many, why, and how to give the judge room.</summary>
    public static string JudgeReasoningBudgetSpent(string judge, int verdicts) =>
        $"{verdicts} {(verdicts == 1 ? "verdict" : "verdicts")} of judge {judge} {(verdicts == 1 ? "was" : "were")} emptied by the judge's token budget spent on hidden reasoning " +
        "(finish_reason length) and could not be read; give the judge room with --judge-reasoning-allowance N (or parameters: { reasoning_effort: low } in its models-file entry) " +
        "and judge again with 'mmsafe judge' under another judge name; the allowance is recorded as a deviation.";

    /// <summary>Tokens the run's stored answers and verdicts used, and their cost when the run has prices for every model.</summary>
    public static (long Tokens, decimal? Usd) Spend(RunContents run)
    {
        var prices = run.Spec.Prices;
        // Answered through a batch API: billed at the batch price.
        var batched = (run.Batches ?? []).Where(b => b.Status == StoredBatch.Collected).SelectMany(b => b.Entries.Select(e => e.Identity)).ToHashSet();
        long tokens = 0;
        decimal? usd = prices is null ? null : 0;
        void Add(string? model, long? input, long? output, string identity)
        {
            tokens += (input ?? 0) + (output ?? 0);
            if (usd is null) return;
            decimal factor = batched.Contains(identity) ? Price.BatchFactor : 1m;
            usd = model is not null && prices!.TryGetValue(model, out var p) ? usd + factor * ((input ?? 0) * p.Input + (output ?? 0) * p.Output) / 1_000_000m : null;
        }
        foreach (var a in run.Answers.Where(a => !a.Cached)) Add(run.Spec.Target.Model, a.InputTokens, a.OutputTokens, a.Identity);
        foreach (var v in run.Verdicts.Where(v => !v.Cached && v.Identity != "rule")) Add(run.Spec.FindJudge(v.Judge)?.Model, v.InputTokens, v.OutputTokens, v.Identity);
        return (tokens, usd);
    }

    /// <summary>Everything about the run that departs from the official protocol: the spec's choices and what happened while it ran.</summary>
    /// <param name="judges">The judges in play (the one scored, or all of them for the majority); null: every judge of the run.</param>
    public static IReadOnlyList<string> Deviations(RunContents run, IReadOnlyCollection<string>? judges = null) =>
        [.. run.Spec.Deviations(judges), .. run.Events.Where(e => e.Kind == RunEvents.StructuredOutputOff && (judges is null || judges.Contains(e.Model)))
            .Select(e => $"judge {e.Model} without structured output after the endpoint rejected it")];
}
