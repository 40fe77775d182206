using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.CommandLine;
using MmSafe.Benchmarks;
using MmSafe.Cli.Output;
using MmSafe.Evals;
using MmSafe.Models;
using MmSafe.Reports;
using MmSafe.Runs;
using Spectre.Console;

namespace MmSafe.Cli.Commands;

/// <summary>
/// <c>mmsafe eval eval.yaml</c>: every model × benchmark × condition of the file as its own run directory, judged by
/// the file's judges, a few cells at a time with each model's concurrency shared across cells; then a leaderboard.
/// The same command resumes: finished cells ask nothing, the rest continue where they stopped.
/// </summary>
public static class EvalCommand
{
    public static Command Build(CliConsole console)
    {
        var file = new Argument<string>("EVAL_FILE") { Description = "The evaluation file (YAML): out, models_file, models, benchmarks, data, judges, conditions, captioner, limit, parallel, prices, budget, drop_refused_parameters." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print each cell's plan (requests, tokens, cost with prices) and stop." };
        var models = new Option<string[]>("--models") { Description = "Only these of the file's models (like VLMEvalKit --model A B).", AllowMultipleArgumentsPerToken = true };
        var benchmarks = new Option<string[]>("--benchmarks") { Description = "Only these of the file's benchmarks (like lmms-eval --tasks).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("eval", "Run an evaluation file: models x benchmarks x conditions, judged by a panel, resumable, with a leaderboard.") { file, dryRun, models, benchmarks };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var eval = EvalFile.Load(parse.GetRequiredValue(file)).Only(parse.GetValue(models), parse.GetValue(benchmarks));
            // Everything the file can get wrong is checked before a cell's directory is made, in a dry run too.
            var planned = EvalRequests.Plan(eval);
            var (request, cells, specs) = planned;
            if (parse.GetValue(dryRun))
            {
                ShowPlan(console, eval, cells, specs, planned.Warnings);
                return ExitCodes.Success;
            }
            // One client per model: its concurrency limit, rate limit and replicas hold across every cell that uses it.
            using var evaluation = await Evaluation.OpenAsync(request, new ModelClientFactory(notices: new RetryNotices()), cancellationToken);
            return await ExecuteAsync(console, eval, cells, evaluation, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ExecuteAsync(CliConsole console, EvalFile eval, IReadOnlyList<EvalCell> cells, Evaluation evaluation, CancellationToken cancellationToken)
    {
        if (evaluation.Unpriced.Count > 0)
            console.Error($"note: {PriceFile.NoPrice(eval.Prices!, evaluation.Unpriced)}; this session's spend is counted in tokens only.");
        foreach (var deviation in evaluation.Deviations)
            console.Error($"note: cells depart from the official protocol: {deviation}.");
        int finished = 0;
        EvaluationResult result = null!;
        await EvalProgress.RunAsync(console, cells, async progress =>
            result = await evaluation.RunAsync(progress.Cell,
                (i, cell) =>
                {
                    var failed = cell.Stop is CellStop.Failed or CellStop.Unreachable or CellStop.ParameterRefused;
                    string outcome;
                    if (failed)
                    {
                        progress.Cell(i).Finish(false, "failed");
                        outcome = $"failed: {cell.Error!.Message}";
                    }
                    else
                    {
                        var completeness = cell.Score().Completeness;
                        progress.Cell(i).Finish(completeness.IsComplete);
                        outcome = completeness.Describe() + (cell.Failures() is { } why ? $"; {why}" : "");
                    }
                    // Without a terminal (a batch job's log) there are no bars: a line per finished cell instead.
                    if (!console.Err.Profile.Capabilities.Interactive)
                        console.Error($"[{Interlocked.Increment(ref finished)}/{cells.Count}] {cells[i].Name}: {outcome}");
                },
                (i, e) => console.Error($"note: {e.ModelName} refused {e.Parameter} ({cells[i].Name}); it is left unset in every cell of {e.ModelName} " +
                    "(drop_refused_parameters), recorded as a deviation."),
                cancellationToken));

        // Cells are named by their place in the evaluation (benchmark/model/condition), not by absolute paths.
        var (leaderboard, contents) = result.Leaderboard(location => Relative(eval.Out, location));
        CompareCommand.Show(console, leaderboard);
        WriteLeaderboard(console, eval, leaderboard, contents);
        if (result.Budget.Limit is not null || evaluation.Prices is not null) console.Error($"spend this session: {result.Budget.Describe()}.");

        // A wrong key, URL or model stops its own cells, not the evaluation: the others went on, and the end says what to fix.
        var failures = result.Cells.Where(c => c.Stop is CellStop.Failed or CellStop.Unreachable or CellStop.ParameterRefused).ToList();
        if (failures.Count > 0)
        {
            foreach (var cell in failures)
                console.Error($"error: {cell.Cell.Name}: {cell.Error!.Message}" + (cell.Error is ModelRequestException refusal && eval.DropRefusedParameters is false && ParameterDrops.Droppable(refusal)
                    ? $" Or add 'drop_refused_parameters: true' to {eval.Path} to leave it unset in every cell of {refusal.ModelName} (recorded as a deviation)." : ""));
            console.Error($"error: {failures.Count} of {cells.Count} cells could not run; fix the above and run 'mmsafe eval {eval.Path}' again (finished cells ask nothing).");
            return ExitCodes.InputError;
        }
        var incomplete = result.Cells.Zip(contents).Where(p => !p.First.ReadCompleteness(p.Second).IsComplete).ToList();
        if (incomplete.Count == 0) return ExitCodes.Success;
        foreach (var (cell, run) in incomplete)
            console.Error($"error: {cell.Cell.Name} is incomplete: {cell.ReadCompleteness(run).Describe()}{(cell.Failures(run) is { } failed ? $"; {failed}" : "")} ({cell.Cell.Location}).");
        console.Error(result.BudgetSpent
            ? $"error: the budget is spent ({result.Budget.Describe()}); no new request was started. 'mmsafe eval {eval.Path}' continues with a larger budget."
            : $"error: {incomplete.Count} of {cells.Count} cells are incomplete; what was received is stored, and 'mmsafe eval {eval.Path}' asks again for the rest.");
        return ExitCodes.ModelUnavailable;
    }

    private static string Relative(string root, string location) =>
        RunStores.IsServer(root) ? location.Split('?')[0][(root.Split('?')[0].TrimEnd('/').Length + 1)..] : Path.GetRelativePath(root, location);

    private static void WriteLeaderboard(CliConsole console, EvalFile eval, Comparison leaderboard, IReadOnlyList<RunContents> contents)
    {
        var files = new (string Name, Action<TextWriter> Write)[]
        {
            ("leaderboard.md", w => w.Write(ComparisonText.Markdown(leaderboard))),
            ("leaderboard.csv", w => w.Write(ComparisonText.Csv(leaderboard))),
            ("leaderboard.json", w => w.Write(ComparisonText.Json(leaderboard))),
            ("leaderboard.tex", w => w.Write(ComparisonLatex.Table(leaderboard))),
            ("report.html", w => Reports.Html.HtmlReport.Write([.. contents.Select(c => RunReportData.From(c))], w)),
        };
        foreach (var (name, write) in files)
        {
            var path = Path.Combine(eval.Results, name);
            try
            {
                Directory.CreateDirectory(eval.Results);
                using var writer = new StreamWriter(path);
                write(writer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"{path}: cannot write the leaderboard there ({e.Message}); the runs are stored, and 'mmsafe compare' reads them.", e);
            }
        }
        console.Error($"leaderboard: {string.Join(", ", files.Select(f => Path.Combine(eval.Results, f.Name)))}");
    }

    private static void ShowPlan(CliConsole console, EvalFile eval, IReadOnlyList<EvalCell> cells, IReadOnlyList<RunSpec> specs, IReadOnlyList<string> warnings)
    {
        var prices = eval.Prices is { } p ? PriceTable.Load(p) : null;
        // The cell's name breaks at its spaces ("vlsbench · / mock/cautious"), never inside a model's name.
        var table = new FittedTable($"Plan: {cells.Count} cells into {eval.Out}", "Cell", "Items", "Target requests", "Judge requests", "Input tokens (rough)", "Output tokens (at most)", "Cost (USD)")
            .RightAligned(1, 2, 3, 4, 5, 6).Wrap(0);
        var plans = specs.Select(s => RunPlan.Estimate(s, prices)).ToList();
        string Cost(decimal? cost, IEnumerable<string> unpriced) =>
            cost is { } c ? c.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)
            : eval.Prices is null ? "add 'prices: FILE' to the file"
            : $"unknown: no price for {string.Join(", ", unpriced.Distinct().Select(m => $"'{m}'"))} in {Path.GetFileName(eval.Prices)}";
        foreach (var (cell, plan) in cells.Zip(plans))
            table.Add([cell.Name, plan.Items.ToString("N0"), plan.TargetRequests.ToString("N0"), plan.JudgeRequests.ToString("N0"),
                plan.InputTokens.ToString("N0"), plan.OutputTokens.ToString("N0"), Cost(plan.Cost, plan.Unpriced)]);
        table.Add(["Total", plans.Sum(x => x.Items).ToString("N0"), plans.Sum(x => x.TargetRequests).ToString("N0"), plans.Sum(x => x.JudgeRequests).ToString("N0"),
            plans.Sum(x => x.InputTokens).ToString("N0"), plans.Sum(x => x.OutputTokens).ToString("N0"),
            Cost(plans.All(x => x.Cost is not null) ? plans.Sum(x => x.Cost) : null, plans.SelectMany(x => x.Unpriced))],
            bold: true);
        table.Write(console.Out);
        // As run --dry-run warns: a model known to reason with only the protocol's budget, once per model and role.
        foreach (var warning in warnings)
            console.Error($"warning: {warning}");
        if (eval.Prices is { } file && plans.SelectMany(x => x.Unpriced).Distinct().ToList() is { Count: > 0 } missing)
            console.Error($"note: {PriceFile.NoPrice(file, missing)}.");
    }
}
