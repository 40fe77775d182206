using MmSafe.Cli.Output;
using MmSafe.Models;
using MmSafe.Models.Middleware;
using MmSafe.Runs;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary>What <c>run</c> and <c>judge</c> share: run the pipeline with a progress display, print the score and the requests, choose the exit code.</summary>
internal static class RunSession
{
    public static async Task<int> ExecuteAsync(CliConsole console, RunDirectory run, ModelClient? target, IReadOnlyList<ModelClient> judges, ResponseCache? cache,
        PipelineOptions options, string? judge, bool json, RetryNotices? notices, CancellationToken cancellationToken, ModelClient? captioner = null,
        BudgetGuard? budget = null, string? again = null)
    {
        // What continues the work: for a run, --resume; for a judge command, the same command again.
        // A run's parameters are part of its record: one left out is a new run, in the same directory only while it holds nothing.
        string? sameCommand = again;
        string AfterRefusal() => sameCommand is not null ? $"after the fix, {sameCommand} continues"
            : RunDirectory.HoldsResults(run.Store)
                ? $"leaving a parameter out changes the run's settings, so give the fix to a new run with a new --out directory ({run.Store.Location} keeps the results made with the settings it records)"
                : $"nothing was stored, so the run's own command with the fix may use the same --out ({run.Store.Location} takes the new settings; not --resume, which restores the recorded ones)";
        again ??= $"'mmsafe run --resume {run.Store.Location}'";
        var spec = run.Spec;
        var started = DateTimeOffset.UtcNow;
        var deviations = spec.Deviations();
        if (deviations.Count > 0) console.Error($"note: this run departs from the official {spec.Benchmark} protocol: {string.Join("; ", deviations)}.");
        // Progress goes to stderr whatever stdout carries, so --json keeps stdout pure JSON without silencing the progress.
        bool budgetReached = false;
        try
        {
            budgetReached = await RunScheduleAsync(console, run, spec, target, judges, cache, options, notices, captioner, budget, cancellationToken);
        }
        catch (ModelRequestException e) when (e.Kind == ModelErrorKind.Unreachable)
        {
            console.Error($"error: {e.Message}{e.Advice}. Every answer and verdict received is stored; {again} " +
                "asks for the rest once the endpoint answers again.");
            return ExitCodes.ModelUnavailable;
        }
        catch (ModelRequestException e) when (e.Kind == ModelErrorKind.RefusedParameter)
        {
            console.Error($"error: {e.Message} The run stopped at the first refusal: no request was started after it, and every answer and verdict received is stored; {AfterRefusal()}.");
            // Recorded, so that score and report point at the fix, not at a resume that would be refused the same way.
            await run.Store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.ParameterRefused, e.ModelName ?? "", e.Message), CancellationToken.None);
            return ExitCodes.InputError;
        }
        MmSafe.Diagnostics.PhaseTrace.Mark("pipeline ended");
        var contents = run.Store.Read();
        var score = RunScoring.Score(contents, judge);
        ScorePrinter.Print(console, score, json);
        if (!json) ShowUsage(console, target, judges, contents, started);
        MmSafe.Diagnostics.PhaseTrace.Mark("scored and printed");
        if (budget is not null) console.Error($"spend this session: {budget.Describe()}.");
        if (budgetReached)
        {
            console.Error($"error: the budget is spent ({budget!.Describe()}); no new request was started. The scores are incomplete: {score.Completeness.Describe()}. " +
                $"{again} with --budget … continues.");
            return ExitCodes.ModelUnavailable;
        }
        if (score.Completeness.IsComplete) return ExitCodes.Success;
        console.Error($"error: the scores are incomplete: {score.Completeness.Describe()}{(score.UnscoredAnswers.Count > 0 ? " (the answers not scored are listed with their reasons)" : "")}. " +
            (score.Completeness.Resumable ? $"What was received is stored; {again} asks again for the rest."
                : "Everything was asked and is stored; asking again would not change it." + (contents.Answers.Any(a => !a.Failed && a.Kind == CompletionKind.ReasoningOnly)
                    // The allowance changes the run's settings: the stored run keeps what it was made with, the fix is a new run.
                    ? " To give the model room, start a new run with a new --out directory and --reasoning-allowance N (or parameters: { reasoning_effort: low } in the models file)."
                    : "")));
        return ExitCodes.ModelUnavailable;
    }

    private static async Task<bool> RunScheduleAsync(CliConsole console, RunDirectory run, RunSpec spec, ModelClient? target, IReadOnlyList<ModelClient> judges,
        ResponseCache? cache, PipelineOptions options, RetryNotices? notices, ModelClient? captioner, BudgetGuard? budget, CancellationToken cancellationToken)
    {
        bool budgetReached = false;
        if (!console.Err.Profile.Capabilities.Interactive)
            await LogRunProgress.RunAsync(console, async progress =>
                budgetReached = await RunSchedule.RunAsync(run.Store, spec, target, judges, cache, progress, captioner, budget, options, cancellationToken));
        else await SpectreRunProgress.RunAsync(console, async progress =>
            budgetReached = await RunSchedule.RunAsync(run.Store, spec, target, judges, cache, progress, captioner, budget, options, cancellationToken), notices);
        return budgetReached;
    }

    // "Failed" counts what the progress bars counted: answers or verdicts stored this session that must be asked again.
    private static void ShowUsage(CliConsole console, ModelClient? target, IReadOnlyList<ModelClient> judges, RunContents run, DateTimeOffset started)
    {
        // "Cached (run)": of the whole run's stored answers (or this judge's verdicts), those that came from the response cache.
        var table = new FittedTable("Requests this session", "Role", "Model", "Requests", "Failed", "Tokens in", "Tokens out", "Mean latency", "Cached (run)").RightAligned(2, 3, 4, 5, 6, 7);
        var rows = (target is null ? [] : new[] { ("target", target, run.Answers.Count(a => a.At >= started && a.NeedsRetry), run.Answers.Count(a => a.Cached)) })
            .Concat(judges.Select(j => ("judge", j, run.Verdicts.Count(v => v.Judge == j.Spec.Name && v.At >= started && v.NeedsRetry),
                run.Verdicts.Count(v => v.Cached && v.Judge == j.Spec.Name))));
        foreach (var (role, client, failed, cached) in rows)
        {
            var u = client.Usage.Snapshot();
            table.Add([role, u.Model, u.Requests.ToString(), failed.ToString("N0"), u.InputTokens.ToString("N0"),
                u.OutputTokens.ToString("N0"), $"{u.MeanLatency.TotalMilliseconds:F0} ms", cached.ToString("N0")]);
        }
        table.Write(console.Out);
    }
}
