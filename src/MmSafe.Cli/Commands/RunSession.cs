using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Reports;
using MmSafe.Cli.Output;
using MmSafe.Evals;
using MmSafe.Models;
using MmSafe.Models.Middleware;
using MmSafe.Runs;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary>What <c>run</c> and <c>judge</c> share: run the pipeline with a progress display, print the score and the requests, choose the exit code.</summary>
internal static class RunSession
{
    /// <summary>Runs the evaluation's one cell and says how it ended.</summary>
    /// <returns>The exit code, or null when the cell failed with an error the caller rethrows (<see cref="CellResult.Error"/>).</returns>
    public static async Task<(int? Exit, CellResult Cell)> ExecuteAsync(CliConsole console, Evaluation evaluation, string? judge, bool json, RetryNotices? notices,
        CancellationToken cancellationToken, string? again = null, bool showSpend = true)
    {
        var run = evaluation.Runs[0];
        // What continues the work: for a run, --resume; for a judge command, the same command again.
        // A run's parameters are part of its record: one left out is a new run, in the same directory only while it holds nothing.
        string? sameCommand = again;
        string AfterRefusal() => sameCommand is not null ? $"after the fix, {sameCommand} continues"
            : RunDirectory.HoldsResults(run.Store)
                ? $"leaving a parameter out changes the run's settings, so give the fix to a new run with a new --out directory ({run.Store.Location} keeps the results made with the settings it records)"
                : $"nothing was stored, so the run's own command with the fix may use the same --out ({run.Store.Location} takes the new settings; not --resume, which restores the recorded ones)";
        again ??= $"'mmsafe run --resume {run.Store.Location}'";
        var spec = run.Spec;
        var deviations = spec.Deviations();
        if (deviations.Count > 0) console.Error($"note: this run departs from the official {spec.Benchmark} protocol: {string.Join("; ", deviations)}.");
        // Progress goes to stderr whatever stdout carries, so --json keeps stdout pure JSON without silencing the progress.
        EvaluationResult result = null!;
        if (!console.Err.Profile.Capabilities.Interactive)
            await LogRunProgress.RunAsync(console, async progress => result = await evaluation.RunAsync(_ => progress, cancellationToken: cancellationToken));
        else await SpectreRunProgress.RunAsync(console, async progress => result = await evaluation.RunAsync(_ => progress, cancellationToken: cancellationToken), notices);
        var cell = result.Cells[0];
        var budget = result.Budget;
        switch (cell.Stop)
        {
            case CellStop.Failed:
                return (null, cell);
            case CellStop.Unreachable when cell.Error is ModelRequestException e:
                console.Error($"error: {e.Message}{e.Advice}. Every answer and verdict received is stored; {again} " +
                    "asks for the rest once the endpoint answers again.");
                return (ExitCodes.ModelUnavailable, cell);
            case CellStop.ParameterRefused:
                // Recorded by the evaluation, so that score and report point at the fix, not at a resume that would be refused the same way.
                console.Error($"error: {cell.Error!.Message} The run stopped at the first refusal: no request was started after it, and every answer and verdict received is stored; {AfterRefusal()}.");
                return (ExitCodes.InputError, cell);
        }
        MmSafe.Diagnostics.PhaseTrace.Mark("pipeline ended");
        var contents = cell.Read();
        var score = cell.Score(judge);
        ScorePrinter.Print(console, score, json);
        if (!json) ShowUsage(console, cell.Target, cell.Judges, contents, cell.Started);
        MmSafe.Diagnostics.PhaseTrace.Mark("scored and printed");
        if (showSpend) console.Error($"spend this session: {budget.Describe()}.");
        if (cell.Stop == CellStop.BudgetSpent)
        {
            console.Error($"error: the budget is spent ({budget.Describe()}); no new request was started. The scores are incomplete: {score.Completeness.Describe()}. " +
                $"{again} with --budget … continues.");
            return (ExitCodes.ModelUnavailable, cell);
        }
        if (score.Completeness.IsComplete) return (ExitCodes.Success, cell);
        // With --json the list of unscored answers is not printed: which model failed, where and why, is said here instead.
        var failures = cell.Failures(contents);
        console.Error($"error: the scores are incomplete: {score.Completeness.Describe()}" +
            (json ? failures is null ? "" : $" ({failures})" : score.UnscoredAnswers.Count > 0 ? " (the answers not scored are listed with their reasons)" : "") + ". " +
            (score.Completeness.Resumable ? $"What was received is stored; {again} asks again for the rest."
                : "Everything was asked and is stored; asking again would not change it." + (contents.Answers.Any(a => !a.Failed && a.Kind == CompletionKind.ReasoningOnly)
                    // The allowance changes the run's settings: the stored run keeps what it was made with, the fix is a new run.
                    ? " To give the model room, start a new run with a new --out directory and --reasoning-allowance N (or parameters: { reasoning_effort: low } in the models file)."
                    : "")));
        return (ExitCodes.ModelUnavailable, cell);
    }

    // "Failed" counts what the progress bars counted: answers or verdicts stored this session that must be asked again.
    private static void ShowUsage(CliConsole console, ModelClient? target, IReadOnlyList<ModelClient> judges, RunContents run, DateTimeOffset started)
    {
        // "Cached (run)": of the whole run's stored answers (or this judge's verdicts), those that came from the response cache.
        var table = new FittedTable("Requests this session", "Role", "Model", "Requests", "Failed", "Tokens in", "Tokens out", "Mean latency", "Cached (run)").RightAligned(2, 3, 4, 5, 6, 7);
        var rows = (target is null ? [] : new[] { ("target", target, run.Answers.Count(a => a.At >= started && a.NeedsRetry), run.Answers.Count(a => a.Cached)) })
            .Concat(judges.Select(j => ("judge", j, run.Verdicts.Count(v => v.Judge == j.Spec.Name && v.At >= started && v.NeedsRetry),
                run.Verdicts.Count(v => v.Cached && v.Judge == j.Spec.Name))));
        // One client serves a model in every role it has (the same model as target and judge): its counters are the
        // sum, so each role's row is read from what it stored this session instead.
        bool shared = target is not null && judges.Any(j => ReferenceEquals(j, target));
        foreach (var (role, client, failed, cached) in rows)
        {
            var u = client.Usage.Snapshot();
            var (requests, tokensIn, tokensOut, latency) = !shared || !ReferenceEquals(client, target) ? (u.Requests, u.InputTokens, u.OutputTokens, u.MeanLatency.TotalMilliseconds)
                : role == "target" ? Stored(run.Answers.Where(a => a.At >= started && !a.Cached).Select(a => (a.InputTokens, a.OutputTokens, a.LatencyMs)))
                : Stored(run.Verdicts.Where(v => v.Judge == client.Spec.Name && v.At >= started && !v.Cached).Select(v => (v.InputTokens, v.OutputTokens, v.LatencyMs)));
            table.Add([role, u.Model, requests.ToString(), failed.ToString("N0"), tokensIn.ToString("N0"),
                tokensOut.ToString("N0"), $"{latency:F0} ms", cached.ToString("N0")]);
        }
        table.Write(console.Out);
    }

    private static (long Requests, long TokensIn, long TokensOut, double MeanLatencyMs) Stored(IEnumerable<(long? In, long? Out, double LatencyMs)> records)
    {
        var list = records.ToList();
        return (list.Count, list.Sum(r => r.In ?? 0), list.Sum(r => r.Out ?? 0), list.Count == 0 ? 0 : list.Average(r => r.LatencyMs));
    }
}
