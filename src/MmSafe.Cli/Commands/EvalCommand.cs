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
            var cells = eval.Cells();
            // Drops an earlier session recorded apply to every cell of their model again, so the file runs on as it was left.
            var recorded = eval.DropRefusedParameters ? RecordedSpecs(cells).ToList() : [];
            var drops = eval.DropRefusedParameters ? new ParameterDrops(recorded.OfType<RunSpec>()) : null;
            // A cell made before a drop keeps the settings it was made with: running the file again resumes it, not refuses it.
            var specs = Specs(eval, cells).Select((s, i) => (drops?.Resume(s.Spec, recorded[i]) ?? s.Spec, s.Samples)).ToList();
            // Everything the file can get wrong is checked before a cell's directory is made, in a dry run too.
            var prices = eval.Prices is { } p ? PriceTable.LoadPrices(p) : null;
            var limit = Budget(eval, prices);
            if (parse.GetValue(dryRun))
            {
                ShowPlan(console, eval, cells, specs);
                return ExitCodes.Success;
            }
            using var cache = eval.Cache is "off" or "none" ? null : new Models.Middleware.ResponseCache(eval.Cache ?? Models.Middleware.ResponseCache.DefaultPath);
            var runs = new List<RunDirectory>();
            try
            {
                // Every cell is checked before anything is sent: a cell recorded with other settings stops the whole evaluation.
                foreach (var (cell, (spec, samples)) in cells.Zip(specs))
                    runs.Add(RunDirectory.Start(cell.Directory, spec with { Prices = prices }, samples,
                        $"Restore {eval.Path} as it was, or give it a new out: directory to evaluate with the new settings."));
                return await ExecuteAsync(console, eval, cells, runs, prices, limit, cache, drops, cancellationToken);
            }
            finally
            {
                foreach (var run in runs) run.Dispose();
            }
        });
        return command;
    }

    // The spec of each cell already made (null for one not made yet), read before any cell is started.
    private static IEnumerable<RunSpec?> RecordedSpecs(IReadOnlyList<EvalCell> cells)
    {
        foreach (var cell in cells)
        {
            if (!RunStores.IsServer(cell.Directory) && !SqliteRunStore.Exists(cell.Directory))
            {
                yield return null;
                continue;
            }
            RunSpec? spec;
            try
            {
                using var run = RunDirectory.Open(cell.Directory);
                spec = run.Store.ReadSpec();
            }
            catch (InputException) when (RunStores.IsServer(cell.Directory))
            {
                spec = null; // a cell not made yet in the database
            }
            yield return spec;
        }
    }

    private static List<(RunSpec Spec, IReadOnlyList<Sample> Samples)> Specs(EvalFile eval, IReadOnlyList<EvalCell> cells)
    {
        var datasets = new Dictionary<string, BenchmarkData>();
        var result = new List<(RunSpec, IReadOnlyList<Sample>)>();
        foreach (var cell in cells)
        {
            var bench = cell.Benchmark;
            if (!datasets.TryGetValue(bench.Name, out var dataset)) datasets[bench.Name] = dataset = bench.Load(eval.Data[bench.Name]);
            var (selection, selected) = SampleSelection.Apply(dataset, eval.Limit, null, null);
            RunCommand.MissingImages(selected);
            // The captioner belongs to the caption cells only: other conditions show no description.
            var captioner = cell.Condition == Conditions.Caption ? eval.Captioner : null;
            if (Conditions.Check(bench, selected, cell.Condition, captioner is not null, "'captioner: NAME' in the evaluation file") is { } notHere)
                throw new InputException($"{eval.Path}: {cell.Name}: condition {cell.Condition}: {notHere}.");
            result.Add((RunSpecs.Create(bench, dataset, selection, bench.Protocol.Samples, cell.Model, null, bench.Protocol.Aspects.Count == 0 ? [] : eval.Judges, null, cell.Condition,
                captioner), selected));
        }
        return result;
    }

    /// <summary>The file's budget, checked: in dollars it needs prices: with a price for every model the evaluation pays for.</summary>
    private static BudgetLimit? Budget(EvalFile eval, IReadOnlyDictionary<string, Price>? prices)
    {
        var limit = eval.Budget is { } b ? BudgetLimit.Parse(b, $"{eval.Path}: budget: '{b}'") : null;
        if (limit?.Usd is null) return limit;
        if (prices is null)
            throw new InputException($"{eval.Path}: a budget in dollars needs prices: with a price for every model of the evaluation (or give it in tokens, e.g. 2000000tokens).");
        if (PriceFile.Unpriced(prices, Priced(eval)) is { Count: > 0 } unpriced)
            throw new InputException($"{eval.Path}: a budget in dollars needs a price for every model of the evaluation: {PriceFile.NoPrice(eval.Prices!, unpriced)}; " +
                "or give it in tokens, e.g. 2000000tokens.");
        return limit;
    }

    /// <summary>The model ids the evaluation pays for: its targets, its judges when a benchmark is judged, its captioner when a cell captions.</summary>
    private static IEnumerable<string> Priced(EvalFile eval) =>
        eval.Models.Concat(eval.Benchmarks.Any(b => b.Protocol.Aspects.Count > 0) ? eval.Judges : [])
            .Concat(eval.Captioner is { } c && eval.Conditions.Contains(Conditions.Caption) ? [c] : []).Select(m => m.Model);

    private static async Task<int> ExecuteAsync(CliConsole console, EvalFile eval, IReadOnlyList<EvalCell> cells, IReadOnlyList<RunDirectory> runs,
        IReadOnlyDictionary<string, Price>? prices, BudgetLimit? limit, Models.Middleware.ResponseCache? cache, ParameterDrops? drops, CancellationToken cancellationToken)
    {
        if (prices is not null && PriceFile.Unpriced(prices, Priced(eval)) is { Count: > 0 } unpriced)
            console.Error($"note: {PriceFile.NoPrice(eval.Prices!, unpriced)}; this session's spend is counted in tokens only.");
        var notices = new RetryNotices();
        var factory = new ModelClientFactory(notices: notices);
        // One client per model: its concurrency limit, rate limit and replicas hold across every cell that uses it.
        var clients = eval.Models.Concat(eval.Judges).Concat(eval.Captioner is { } c ? [c] : []).DistinctBy(m => m.Name).ToDictionary(m => m.Name, m => factory.Create(m with { KeyFlag = "api_key_env in the models file" }));
        var guard = new BudgetGuard(limit, prices, clients.Values);
        foreach (var deviation in runs.SelectMany(r => r.Spec.Deviations()).Distinct())
            console.Error($"note: cells depart from the official protocol: {deviation}.");

        var stopped = new bool[cells.Count];
        var failures = new string?[cells.Count];
        int finished = 0;
        var options = new PipelineOptions(BatchPoll: eval.BatchPoll is { } poll ? TimeSpan.FromSeconds(poll) : null);
        await EvalProgress.RunAsync(console, cells, async progress =>
            await Parallel.ForEachAsync(Enumerable.Range(0, cells.Count), new ParallelOptions { MaxDegreeOfParallelism = eval.Parallel, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    var spec = runs[i].Spec;
                    var cellProgress = progress.Cell(i);
                    string outcome;
                    try
                    {
                        while (true)
                        {
                            // A drop another cell of the same model found this session applies here before anything is sent.
                            if (drops is not null) spec = drops.Adopt(runs[i].Store, spec);
                            try
                            {
                                stopped[i] = await RunSchedule.RunAsync(runs[i].Store, spec, clients[cells[i].Model.Name], [.. spec.Judges.Select(j => clients[j.Name])], cache, cellProgress,
                                    spec.Captioner is { } captioner ? clients[captioner.Name] : null, guard, options, cancellationToken).ConfigureAwait(false);
                                break;
                            }
                            catch (ModelRequestException e) when (drops is not null && ParameterDrops.Droppable(e))
                            {
                                if (drops.TryAdd(e))
                                    console.Error($"note: {e.ModelName} refused {e.Parameter} ({cells[i].Name}); it is left unset in every cell of {e.ModelName} " +
                                        "(drop_refused_parameters), recorded as a deviation.");
                                // The cell's spec cannot take the drop (it holds results made with the parameter): the refusal stands.
                                if (ReferenceEquals(drops.Adopt(runs[i].Store, spec), spec)) throw;
                                spec = runs[i].Spec;
                            }
                        }
                        var stored = runs[i].Store.Read();
                        var completeness = RunScoring.Score(stored, null).Completeness;
                        cellProgress.Finish(completeness.IsComplete);
                        outcome = completeness.Describe() + (Failures(stored, clients) is { } failed ? $"; {failed}" : "");
                    }
                    catch (Exception e) when (e is ModelRequestException { StopsTheRun: true } or InputException)
                    {
                        // A wrong key, URL or model stops its own cells, not the evaluation: the others go on, and the end says what to fix.
                        failures[i] = e.Message + (e is ModelRequestException refusal && drops is null && ParameterDrops.Droppable(refusal)
                            ? $" Or add 'drop_refused_parameters: true' to {eval.Path} to leave it unset in every cell of {refusal.ModelName} (recorded as a deviation)." : "");
                        cellProgress.Finish(false, "failed");
                        outcome = $"failed: {e.Message}";
                    }
                    // Without a terminal (a batch job's log) there are no bars: a line per finished cell instead.
                    if (!console.Err.Profile.Capabilities.Interactive)
                        console.Error($"[{Interlocked.Increment(ref finished)}/{cells.Count}] {cells[i].Name}: {outcome}");
                }));

        // Cells are named by their place in the evaluation (benchmark/model/condition), not by absolute paths.
        var contents = runs.Select(r => r.Store.Read()).Select(c => c with { Directory = Relative(eval.Out, c.Directory) }).ToList();
        var leaderboard = Comparison.Of([.. contents.SelectMany(c => c.Spec.Judges.Count == 0 ? [RunReportData.From(c)] : c.Spec.Judges.Select(j => RunReportData.From(c, j.Name)))]);
        CompareCommand.Show(console, leaderboard);
        WriteLeaderboard(console, eval, leaderboard, contents);
        if (guard.Limit is not null || prices is not null) console.Error($"spend this session: {guard.Describe()}.");

        if (failures.Any(f => f is not null))
        {
            foreach (var (cell, failure) in cells.Zip(failures).Where(p => p.Second is not null)) console.Error($"error: {cell.Name}: {failure}");
            console.Error($"error: {failures.Count(f => f is not null)} of {cells.Count} cells could not run; fix the above and run 'mmsafe eval {eval.Path}' again (finished cells ask nothing).");
            return ExitCodes.InputError;
        }
        var incomplete = cells.Zip(contents).Where(p => !RunScoring.Score(p.Second, null).Completeness.IsComplete).ToList();
        if (incomplete.Count == 0) return ExitCodes.Success;
        foreach (var (cell, run) in incomplete)
            console.Error($"error: {cell.Name} is incomplete: {RunScoring.Score(run, null).Completeness.Describe()}{(Failures(run, clients) is { } failed ? $"; {failed}" : "")} ({cell.Directory}).");
        console.Error(stopped.Any(s => s)
            ? $"error: the budget is spent ({guard.Describe()}); no new request was started. 'mmsafe eval {eval.Path}' continues with a larger budget."
            : $"error: {incomplete.Count} of {cells.Count} cells are incomplete; what was received is stored, and 'mmsafe eval {eval.Path}' asks again for the rest.");
        return ExitCodes.ModelUnavailable;
    }

    /// <summary>
    /// Which model of a cell failed, where, and why: "target M at URL: 3 failed, the last: connection failed: …" (and the
    /// same for each judge with failed verdicts), or null when nothing is waiting to be asked again.
    /// </summary>
    private static string? Failures(RunContents run, IReadOnlyDictionary<string, ModelClient> clients)
    {
        var parts = new List<string>();
        void Add(string role, string name, IReadOnlyList<(string? Error, DateTimeOffset At)> failed)
        {
            if (failed.Count == 0) return;
            var spec = clients.TryGetValue(name, out var client) ? client.Spec : null;
            string where = spec is null ? "" : spec.Provider == ProviderKind.Mock ? " (offline mock)" : $" at {spec.EffectiveBaseUrl}";
            var last = failed.Where(f => f.Error is not null).OrderBy(f => f.At).Select(f => f.Error!).LastOrDefault();
            // The providers' messages begin "MODEL at URL: ", already said here.
            if (last is not null && spec is not null && last.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon && last[..colon].StartsWith($"{spec.Model} at ", StringComparison.Ordinal))
                last = last[(colon + 2)..];
            parts.Add($"{role} {name}{where}: {failed.Count} failed, the last: {last ?? "malformed replies"}");
        }
        Add("target", run.Spec.Target.Name, [.. run.Answers.Where(a => a.NeedsRetry).Select(a => (a.Error, a.At))]);
        foreach (var judge in run.Spec.Judges)
            Add("judge", judge.Name, [.. run.Verdicts.Where(v => v.Judge == judge.Name && v.NeedsRetry).Select(v => (v.Error, v.At))]);
        return parts.Count == 0 ? null : string.Join("; ", parts);
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

    private static void ShowPlan(CliConsole console, EvalFile eval, IReadOnlyList<EvalCell> cells, IReadOnlyList<(RunSpec Spec, IReadOnlyList<Sample> Samples)> specs)
    {
        var prices = eval.Prices is { } p ? PriceTable.Load(p) : null;
        // The cell's name breaks at its spaces ("vlsbench · / mock/cautious"), never inside a model's name.
        var table = new FittedTable($"Plan: {cells.Count} cells into {eval.Out}", "Cell", "Items", "Target requests", "Judge requests", "Input tokens (rough)", "Output tokens (at most)", "Cost (USD)")
            .RightAligned(1, 2, 3, 4, 5, 6).Wrap(0);
        var plans = specs.Select(s => RunPlan.Estimate(s.Spec, prices)).ToList();
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
        foreach (var warning in cells.Zip(specs).SelectMany(p => PlanWarnings.Reasoning(p.Second.Spec, p.First.Model, eval.Judges)).Distinct())
            console.Error($"warning: {warning}");
        if (eval.Prices is { } file && plans.SelectMany(x => x.Unpriced).Distinct().ToList() is { Count: > 0 } missing)
            console.Error($"note: {PriceFile.NoPrice(file, missing)}.");
    }
}
