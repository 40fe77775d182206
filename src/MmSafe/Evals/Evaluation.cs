using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Reports;
using MmSafe.Models;
using MmSafe.Models.Middleware;
using MmSafe.Runs;

namespace MmSafe.Evals;

/// <summary>
/// An evaluation held open: every cell's run started (a new run stores its spec and samples) or continued after the spec
/// check, before anything is sent, so a cell recorded with other settings stops the whole evaluation. <see cref="RunAsync"/>
/// then runs the cells, a few at a time, each model one client shared by its cells, and returns how each one stopped.
/// </summary>
public sealed class Evaluation : IDisposable
{
    private readonly EvaluationRequest _request;
    private readonly List<RunDirectory> _runs;
    private readonly List<JudgeAddition.Applied?> _judges;
    private readonly ResponseCache? _cache;
    private readonly ModelClientFactory _factory;
    private readonly Dictionary<string, ModelClient> _clients;
    private readonly List<(ModelClient? Target, List<ModelClient> Judges, ModelClient? Captioner)> _cellClients = [];

    private Evaluation(EvaluationRequest request, List<RunDirectory> runs, List<JudgeAddition.Applied?> judges, ResponseCache? cache, ModelClientFactory factory,
        Dictionary<string, ModelClient> built)
    {
        (_request, _runs, _judges, _cache, _factory, _clients) = (request, runs, judges, cache, factory, built);
        foreach (var (run, judge) in runs.Zip(judges))
        {
            var spec = run.Spec;
            var drive = request.Cells[_cellClients.Count].Drive;
            _cellClients.Add((request.Generate ? Client(spec, spec.Target, "target", drive) : null,
                judge is not null ? [Client(judge.Model)] : [.. spec.Judges.Select(j => Client(spec, j, "judge", drive))],
                request.Generate && spec.Captioner is { } c ? Client(spec, c, "captioner", drive) : null));
        }
        var priced = Priced();
        // The final word on a dollar budget is the recorded prices (a run continued without new prices has its own).
        BudgetLimit.Require(request.Budget, Prices, request.PricesSource, priced, request.BudgetWording);
        Unpriced = Prices is null ? [] : PriceFile.Unpriced(Prices, priced);
        Budget = new BudgetGuard(request.Budget, Prices, _clients.Values);
    }

    /// <summary>The cells' runs, in the request's order.</summary>
    public IReadOnlyList<RunDirectory> Runs => _runs;

    /// <summary>What each cell's <see cref="EvaluationCell.Judge"/> recorded (null for a cell without one).</summary>
    public IReadOnlyList<JudgeAddition.Applied?> Judges => _judges;

    /// <summary>The prices this session counts with: the request's, else the first cell's recorded ones.</summary>
    public IReadOnlyDictionary<string, Price>? Prices => _request.Prices ?? _runs[0].Spec.Prices;

    /// <summary>The model ids the session pays for that have no price (its spend is then counted in tokens only).</summary>
    public IReadOnlyList<string> Unpriced { get; }

    /// <summary>What the session spends, against the request's budget.</summary>
    public BudgetGuard Budget { get; }

    /// <summary>Every cell's deviations from its benchmark's protocol, each once.</summary>
    public IReadOnlyList<string> Deviations => [.. _runs.SelectMany(r => r.Spec.Deviations()).Distinct()];

    /// <summary>Opens every cell's run (with the spec check) and the response cache; nothing is sent.</summary>
    public static async Task<Evaluation> OpenAsync(EvaluationRequest request, ModelClientFactory factory, CancellationToken cancellationToken = default)
    {
        if (request.Cells.Count == 0) throw new ArgumentException("an evaluation needs at least one cell", nameof(request));
        // A cache the request names is opened first: a wrong path leaves no run directory behind.
        var cache = request.Cache is { } named ? ResponseCaches.Open(ResponseCaches.Choice(named, null)) : null;
        // The clients of the models new runs name are built on another core while the runs' stores are made.
        var built = Task.Run(() => Prebuild(request, factory), cancellationToken);
        var runs = new List<RunDirectory>();
        var judges = new List<JudgeAddition.Applied?>();
        try
        {
            foreach (var cell in request.Cells)
            {
                var run = Start(cell, request);
                runs.Add(run);
                judges.Add(null);
                if (cell.Judge is { } judge) judges[^1] = await judge.ApplyAsync(run.Store, cell.Location, cancellationToken).ConfigureAwait(false);
            }
            // A shared store's workers run on other machines: each keeps its own cache, not the first worker's path.
            if (request.Cache is null) cache = ResponseCaches.Open(ResponseCaches.Choice(null, runs[0].Store.IsShared ? null : runs[0].Spec.Cache));
            Diagnostics.PhaseTrace.Mark("runs started");
            return new Evaluation(request, runs, judges, cache, factory, await built.ConfigureAwait(false));
        }
        catch
        {
            foreach (var (run, judge) in runs.Zip(judges)) Close(run, judge);
            cache?.Dispose();
            throw;
        }
    }

    // The request's models that a new run's cell uses (a cell continuing a run takes its models from the recorded spec).
    private static Dictionary<string, ModelClient> Prebuild(EvaluationRequest request, ModelClientFactory factory)
    {
        var used = request.Cells.Where(c => c.Spec is not null && c.Judge is null)
            .SelectMany(c => (request.Generate ? [c.Spec!.Target.Name, .. c.Spec.Captioner is { } k ? [k.Name] : Array.Empty<string>()] : Array.Empty<string>())
                .Concat(c.Spec!.Judges.Select(j => j.Name)))
            .ToHashSet(StringComparer.Ordinal);
        return request.Models.Where(m => used.Contains(m.Name)).DistinctBy(m => m.Name).ToDictionary(m => m.Name, factory.Create, StringComparer.Ordinal);
    }

    private static RunDirectory Start(EvaluationCell cell, EvaluationRequest request)
    {
        if (cell.Spec is { } spec) return RunDirectory.Start(cell.Location, spec, cell.Samples, cell.Remedy);
        var run = RunDirectory.Open(cell.Location);
        try
        {
            var recorded = run.Spec;
            if (request.Generate && cell.Judge is null && recorded.Target.Provider == Interchange.RunImport.Provider)
                throw new InputException($"{cell.Location}: an imported run holds results made elsewhere; it can be scored, judged again and exported, not resumed.");
            // Prices may change between sessions: given now, they are this session's and recorded.
            if (request.Prices is not null && cell.Judge is null) run.Store.WriteSpec(recorded with { Prices = request.Prices });
            // The images this session sends must be there before anything is sent (a judge that sees them, or a resumed
            // target): a missing one is a data mistake to name, not 300 failed requests blamed on the endpoint.
            if (cell.Judge is { WithoutImage: false } || cell.Judge is null && request.Generate) SelectedImages.Check(run.Store.Samples());
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>Runs every cell, <see cref="EvaluationRequest.Parallel"/> at once; <paramref name="finished"/> hears of each as it ends.</summary>
    /// <param name="progress">Each cell's progress display, by its index.</param>
    /// <param name="dropped">Hears of each parameter newly dropped (<see cref="EvaluationRequest.Drops"/>), with the cell that found it.</param>
    public async Task<EvaluationResult> RunAsync(Func<int, IRunProgress> progress, Action<int, CellResult>? finished = null,
        Action<int, ModelRequestException>? dropped = null, CancellationToken cancellationToken = default)
    {
        var results = new CellResult[_runs.Count];
        var options = new PipelineOptions(Generate: _request.Generate, RetryDeclined: _request.RetryDeclined, BatchPoll: _request.BatchPoll);
        await Parallel.ForEachAsync(Enumerable.Range(0, _runs.Count), new ParallelOptions { MaxDegreeOfParallelism = _request.Parallel, CancellationToken = cancellationToken },
            async (i, _) =>
            {
                results[i] = await RunCellAsync(i, progress(i), options, dropped, cancellationToken).ConfigureAwait(false);
                finished?.Invoke(i, results[i]);
            }).ConfigureAwait(false);
        return new EvaluationResult(results, Budget, _clients);
    }

    private async Task<CellResult> RunCellAsync(int i, IRunProgress progress, PipelineOptions options, Action<int, ModelRequestException>? dropped,
        CancellationToken cancellationToken)
    {
        var (run, (target, judges, captioner), drops) = (_runs[i], _cellClients[i], _request.Drops);
        var started = DateTimeOffset.UtcNow;
        CellStop stop;
        Exception? error = null;
        (RunContents Contents, RunScore Score)? ended = null;
        try
        {
            var spec = run.Spec;
            while (true)
            {
                // A drop another cell of the same model found this session applies here before anything is sent.
                if (drops is not null) spec = drops.Adopt(run.Store, spec);
                try
                {
                    bool budgetSpent = await RunSchedule.RunAsync(run.Store, spec, target, judges, _cache, progress, captioner, Budget, options, cancellationToken).ConfigureAwait(false);
                    var contents = run.Store.Read();
                    ended = (contents, RunScoring.Score(contents, null));
                    stop = budgetSpent ? CellStop.BudgetSpent : ended.Value.Score.Completeness.IsComplete ? CellStop.Complete : CellStop.Incomplete;
                    break;
                }
                catch (ModelRequestException e) when (drops is not null && ParameterDrops.Droppable(e))
                {
                    if (drops.TryAdd(e)) dropped?.Invoke(i, e);
                    // The cell's spec cannot take the drop (it holds results made with the parameter): the refusal stands.
                    if (ReferenceEquals(drops.Adopt(run.Store, spec), spec)) throw;
                    spec = run.Spec;
                }
            }
        }
        catch (Exception e) when (e is ModelRequestException { StopsTheRun: true } or InputException)
        {
            error = e;
            stop = e is ModelRequestException { Kind: var kind } ? kind switch
            {
                ModelErrorKind.Unreachable => CellStop.Unreachable,
                ModelErrorKind.RefusedParameter => CellStop.ParameterRefused,
                _ => CellStop.Failed,
            } : CellStop.Failed;
            // Recorded, so that score and report point at the fix, not at a resume that would be refused the same way.
            if (stop == CellStop.ParameterRefused)
                await run.Store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.ParameterRefused, ((ModelRequestException)e).ModelName ?? "", e.Message), CancellationToken.None)
                    .ConfigureAwait(false);
        }
        var result = new CellResult(_request.Cells[i], run.Store, stop, error, target, judges, started);
        return ended is { } read ? result.WithContents(read.Contents, read.Score) : result;
    }

    /// <summary>
    /// Takes a cell's added judge out of its record again when it stored no readable verdict (a wrong URL, key or model
    /// id), so 'run --resume' still matches the run: true when it did. Called once the session's score is shown (it
    /// names the judge); <see cref="Dispose"/> does it for a cell not asked.
    /// </summary>
    public bool WithdrawJudge(int cell)
    {
        if (_judges[cell] is not { } judge) return false;
        _judges[cell] = null;
        return JudgeAddition.Withdraw(_runs[cell].Store, judge);
    }

    private ModelClient Client(RunSpec spec, ModelSettings settings, string role, ModelDrive drive) =>
        Client(_request.Models.FirstOrDefault(m => m.Name == settings.Name) ?? drive.Model(spec, settings, role));

    private ModelClient Client(ModelSpec model)
    {
        if (!_clients.TryGetValue(model.Name, out var client)) _clients[model.Name] = client = _factory.Create(model);
        return client;
    }

    /// <summary>The model ids the session pays for: each cell's target, the judges that judge, its captioner.</summary>
    private List<string> Priced() =>
        [.. _cellClients.SelectMany(c => new[] { c.Target }.Concat(c.Judges).Append(c.Captioner)).OfType<ModelClient>().Select(c => c.Spec.Model)];

    private static void Close(RunDirectory run, JudgeAddition.Applied? judge)
    {
        if (judge is not null) JudgeAddition.Withdraw(run.Store, judge);
        run.Dispose();
    }

    public void Dispose()
    {
        for (int i = 0; i < _runs.Count; i++) WithdrawJudge(i);
        foreach (var run in _runs) run.Dispose();
        _cache?.Dispose();
    }
}
