using MmSafe.Runs.Stores;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Evals;

/// <summary>The inputs of <c>mmsafe run</c>, translated from its flags; <see cref="RunRequests.ForRun"/> checks them.</summary>
/// <param name="Out">The run location (--out).</param>
/// <param name="Benchmark">The benchmark's name.</param>
/// <param name="Data">The dataset root (--data).</param>
/// <param name="Cell">The models, condition, samples and selection of the one cell.</param>
public sealed record RunInputs(string? Out, string? Benchmark, string? Data, CellInputs Cell)
{
    /// <summary>A prices file (--prices).</summary>
    public string? Prices { get; init; }

    /// <summary>A budget as written (--budget).</summary>
    public string? Budget { get; init; }

    /// <summary>The response cache as named (--cache): a file, "off", or null.</summary>
    public string? Cache { get; init; }

    /// <summary>Seconds between batch status requests (--batch-poll).</summary>
    public double? BatchPoll { get; init; }

    /// <summary>How the run's models are driven (the flags that name their key variables).</summary>
    public ModelDrive Drive { get; init; } = ModelDrive.AsRecorded;
}

/// <summary>A run checked and assembled: the one-cell request, and what a dry run shows of it.</summary>
/// <param name="Out">The run location.</param>
/// <param name="PricesFile">The prices file given, when one was.</param>
public sealed record PlannedRun(EvaluationRequest Request, CellPlan Cell, string Out, string? PricesFile)
{
    /// <summary>The spec as the plan shows it (without this session's prices and cache).</summary>
    public RunSpec Spec => Cell.Spec;

    /// <summary>The requests, tokens and cost the run would make.</summary>
    public RunPlan Estimate() => RunPlan.Estimate(Spec, PricesFile is null ? null
        : PriceFile.Load(PricesFile).ToDictionary(p => p.Key, p => (p.Value.Input, p.Value.Output)));

    /// <summary>What the run would record as departures from the protocol.</summary>
    public IReadOnlyList<string> Deviations => Spec.Deviations();

    /// <summary>A missing key is found before the run directory is made, not at the first request.</summary>
    public void CheckKeys()
    {
        foreach (var model in Cell.Paying) ModelClientFactory.CheckKey(model);
    }
}

/// <summary>
/// The requests of <c>mmsafe run</c>: a new run (one cell, every input checked before its directory is made, named as
/// the flags that gave it) or a resumed one (opened as recorded, driven as this session says).
/// </summary>
public static class RunRequests
{
    public static PlannedRun ForRun(RunInputs inputs)
    {
        string outDir = inputs.Out ?? throw new InputException("no run directory; pass --out DIR (or --resume DIR).");
        var bench = BenchmarkRegistry.Get(inputs.Benchmark ?? throw new InputException($"no benchmark; expected one of {string.Join(", ", BenchmarkRegistry.Names)}."));
        var dataPath = inputs.Data ?? throw new InputException($"no dataset; pass --data DIR ({bench.DataDescription}).");
        var cell = CellPlan.Build(bench, inputs.Cell, CellWording.Run, b => b.Load(dataPath));
        // Everything a user can get wrong is checked before the run directory is made: a refused command leaves nothing behind.
        var table = inputs.Prices is { } prices ? PriceFile.Load(prices) : null;
        var limit = inputs.Budget is { } budget ? BudgetLimit.Parse(budget) : null;
        // A run already in --out has its recorded prices, used when the flags give none: those are checked once it is open.
        bool recordedRun = RunStores.IsServer(outDir) || SqliteRunStore.Exists(outDir);
        if (table is not null || !recordedRun) BudgetLimit.Require(limit, table, inputs.Prices, [.. cell.Paying.Select(m => m.Model)], BudgetWording.Run);
        var poll = ModelBatching.Poll(inputs.BatchPoll);
        var request = new EvaluationRequest([new EvaluationCell(outDir, outDir)
        {
            Spec = cell.Spec with { Prices = table, Cache = ResponseCaches.Choice(inputs.Cache, null) },
            Samples = cell.Samples,
            // Where each model was configured stays known, so that a refused parameter names the line to change.
            Drive = inputs.Drive with { Origins = cell.Judges.Prepend(cell.Target).DistinctBy(m => m.Name).ToDictionary(m => m.Name, m => m.Origin) },
        }])
        {
            Prices = table,
            PricesSource = inputs.Prices ?? "the run's recorded prices",
            Budget = limit,
            Cache = inputs.Cache,
            BatchPoll = poll,
        };
        return new PlannedRun(request, cell, outDir, inputs.Prices);
    }

    /// <summary>
    /// A run continued with its recorded settings: only how hard the models are driven may change (<paramref name="drive"/>:
    /// concurrency; <paramref name="batch"/>: judge, target or all), and this session's prices, budget, cache and polling.
    /// </summary>
    public static EvaluationRequest ForResume(string dir, ModelDrive drive, string? batch, string? prices, string? budget, string? cache, double? batchPoll)
    {
        var (target, judges) = ModelBatching.Roles(batch);
        var poll = ModelBatching.Poll(batchPoll);
        // Prices may change between sessions, as on a new run's --out: given now, they are this session's and recorded.
        return new EvaluationRequest([new EvaluationCell(dir, dir)
        {
            Drive = drive with
            {
                Batch = batch is null ? new Dictionary<string, bool>() : new Dictionary<string, bool> { ["target"] = target, ["judge"] = judges },
            },
        }])
        {
            Prices = prices is null ? null : PriceFile.Load(prices),
            PricesSource = prices ?? "the run's recorded prices",
            Budget = budget is null ? null : BudgetLimit.Parse(budget),
            Cache = cache,
            BatchPoll = poll,
        };
    }
}
