using MmSafe.Runs.Stores;
using MmSafe.Benchmarks;
using MmSafe.Runs;

namespace MmSafe.Evals;

/// <summary>
/// An evaluation file as an <see cref="EvaluationRequest"/>: every cell's spec built and checked (data, images,
/// condition, budget and prices) before any cell's run is made, so a dry run checks the same things.
/// </summary>
public static class EvalRequests
{
    /// <summary>What the request was made of: the file's cells and each one's spec, for a plan, and what the plan warns of.</summary>
    public sealed record Planned(EvaluationRequest Request, IReadOnlyList<EvalCell> Cells, IReadOnlyList<RunSpec> Specs)
    {
        /// <summary>Models known to reason with only the protocol's budget, once per model and role.</summary>
        public IReadOnlyList<string> Warnings { get; init; } = [];
    }

    public static Planned Plan(EvalFile eval)
    {
        var cells = eval.Cells();
        // Drops an earlier session recorded apply to every cell of their model again, so the file runs on as it was left.
        var recorded = eval.DropRefusedParameters ? RecordedSpecs(cells).ToList() : [];
        var drops = eval.DropRefusedParameters ? new ParameterDrops(recorded.OfType<RunSpec>()) : null;
        // A cell made before a drop keeps the settings it was made with: running the file again resumes it, not refuses it.
        var plans = Specs(eval, cells);
        var specs = plans.Select((s, i) => (Spec: drops?.Resume(s.Spec, recorded[i]) ?? s.Spec, s.Samples)).ToList();
        var prices = eval.Prices is { } p ? PriceFile.Load(p) : null;
        var limit = eval.Budget is { } b ? BudgetLimit.Parse(b, $"{eval.Path}: budget: '{b}'") : null;
        var wording = BudgetWording.EvalFile(eval.Path);
        BudgetLimit.Require(limit, prices, eval.Prices, Priced(eval), wording);
        var request = new EvaluationRequest([.. cells.Zip(specs, (cell, s) => new EvaluationCell(cell.Name, cell.Directory)
        {
            Spec = s.Spec with { Prices = prices },
            Samples = s.Samples,
            Remedy = $"Restore {eval.Path} as it was, or give it a new out: directory to evaluate with the new settings.",
        })])
        {
            Models = [.. eval.Models.Concat(eval.Judges).Concat(eval.Captioner is { } c ? [c] : []).DistinctBy(m => m.Name).Select(m => m with { KeyFlag = "api_key_env in the models file" })],
            Prices = prices,
            PricesSource = eval.Prices ?? "prices:",
            Budget = limit,
            BudgetWording = wording,
            Cache = eval.Cache ?? ResponseCaches.Choice(null, null),
            BatchPoll = eval.BatchPoll is { } poll ? TimeSpan.FromSeconds(poll) : null,
            Parallel = eval.Parallel,
            Drops = drops,
        };
        return new Planned(request, cells, [.. specs.Select(s => s.Spec)])
        {
            Warnings = [.. plans.Zip(specs).SelectMany(p => PlanWarnings.Reasoning(p.Second.Spec, p.First.Target, p.First.Judges)).Distinct()],
        };
    }

    /// <summary>The model ids the evaluation pays for: its targets, its judges when a benchmark is judged, its captioner when a cell captions.</summary>
    private static IEnumerable<string> Priced(EvalFile eval) =>
        eval.Models.Concat(eval.Benchmarks.Any(b => b.Protocol.Aspects.Count > 0) ? eval.Judges : [])
            .Concat(eval.Captioner is { } c && eval.Conditions.Contains(Conditions.Caption) ? [c] : []).Select(m => m.Model);

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

    // Each cell through the builder 'mmsafe run' uses, named as the file's fields; a dataset is read once for all its cells.
    private static List<CellPlan> Specs(EvalFile eval, IReadOnlyList<EvalCell> cells)
    {
        var datasets = new Dictionary<string, BenchmarkData>();
        BenchmarkData Load(IBenchmark bench) =>
            datasets.TryGetValue(bench.Name, out var dataset) ? dataset : datasets[bench.Name] = bench.Load(eval.Data[bench.Name]);
        return [.. cells.Select(cell => CellPlan.Build(cell.Benchmark,
            new CellInputs(cell.Model, cell.Benchmark.Protocol.Aspects.Count == 0 ? [] : eval.Judges, cell.Condition)
            {
                Limit = eval.Limit,
                // The captioner belongs to the caption cells only: other conditions show no description.
                Captioner = cell.Condition == Conditions.Caption ? eval.Captioner : null,
            },
            CellWording.File(eval.Path, cell.Name), Load))];
    }
}
