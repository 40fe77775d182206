using MmSafe.Runs.Stores;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// A run's data path: for each sample still to do, read its images once, ask the target for each missing answer
/// (or reuse it from the response cache under the same request identity), store it, judge it at once on every
/// aspect with every judge (target and judge endpoints work at the same time), and when a sample's verdicts are
/// in, score it and store the score with its diagnostics. Every request is planned by <see cref="SamplePlan"/>; a model
/// with <c>Batch: true</c> receives its requests through its provider's batches (<see cref="BatchScheduler"/>) in the
/// same pass. Nothing in the store is asked for again except failures and malformed replies. Key, URL and model
/// errors, and an endpoint that went away, stop the run; every other failure is stored.
/// </summary>
public sealed partial class RunPipeline
{
    private readonly IRunStore _store;
    private readonly RunSpec _spec;
    private readonly SamplePlan _plan;
    private readonly ModelClient? _target;
    private readonly IReadOnlyList<(ModelSettings Settings, ModelClient Client)> _judges;
    private readonly ResponseCache? _cache;
    private readonly IRunProgress _progress;
    private CancellationToken _stopping;
    private readonly CaptionWriter _captionWriter;
    // The judges whose structured-output fallback this run has recorded (a client shared by several runs falls back once, for all).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _fallbackRecorded = new();
    private readonly BudgetGuard? _budget;
    private readonly CancellationTokenSource _budgetStop = new();
    private readonly RunStop _stop = new();
    private Task _budgetEvent = Task.CompletedTask;

    /// <param name="captioner">Writes the image descriptions of the caption condition where the dataset has none.</param>
    /// <param name="budget">A hard stop: when it is used up no new request starts; those in flight finish and are stored.</param>
    public RunPipeline(IRunStore store, RunSpec spec, ModelClient? target, IReadOnlyList<ModelClient> judges, ResponseCache? cache = null, IRunProgress? progress = null,
        ModelClient? captioner = null, BudgetGuard? budget = null)
    {
        (_captionWriter, _budget, _store, _spec) = (new CaptionWriter(store, spec, captioner, cache), budget, store, spec);
        _plan = new SamplePlan(spec, BenchmarkRegistry.Get(spec.Benchmark));
        _target = target;
        _judges = [.. judges.Select(j => (spec.FindJudge(j.Spec.Name) ?? throw new InvalidOperationException($"judge {j.Spec.Name} is not in the run spec"), j))];
        _cache = cache;
        _progress = progress ?? NoProgress.Instance;
    }

    private IReadOnlyList<string> Aspects => _plan.Aspects;

    /// <summary>True when the run stopped because its budget was used up.</summary>
    public bool BudgetReached => _budgetStop.IsCancellationRequested;

    // Whether a request for this sample may start: this worker still holds its lease (a shared store), and MayAsk().
    private bool MayAsk(SampleWork work) => _store.Holds(work.Sample.Id) && MayAsk();
    // Whether a new request may start: not after Ctrl+C, not once the budget is spent, not once the store has failed.
    private bool MayAsk()
    {
        if (_stopping.IsCancellationRequested || _budgetStop.IsCancellationRequested || _store.IsUnavailable || _stop.Stopped) return false;
        if (_budget?.Exceeded != true) return true;
        lock (_budgetStop)
            if (!_budgetStop.IsCancellationRequested)
            {
                // Recorded once, without blocking the caller (a concurrency slot's check): the session awaits it before it ends.
                _budgetEvent = _store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.BudgetReached, "", _budget.Describe()));
                _budgetStop.Cancel();
            }
        return false;
    }

    public async Task RunAsync(PipelineOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PipelineOptions();
        Diagnostics.PhaseTrace.Mark("pipeline started");
        var events = _store.Events();
        foreach (var (settings, client) in _judges)
            if (events.Any(e => e.Kind == RunEvents.StructuredOutputOff && e.Model == settings.Name))
            {
                client.StructuredOutput.RestoreFallback();
                _fallbackRecorded.TryAdd(settings.Name, 0);
            }
        var answers = _store.Answers().ToLookup(a => a.SampleId);
        var verdicts = _store.Verdicts().ToLookup(v => v.SampleId);
        var scores = _store.Scores().SelectMany(p => p.Value.Select(s => (p.Key, s.Id))).ToHashSet();
        var all = _store.Samples().Select(s => new SampleWork(s, answers[s.Id], verdicts[s.Id])).ToList();
        var todo = all.Where(w => NeedsWork(w, options, scores)).ToList();

        Diagnostics.PhaseTrace.Mark("store read: samples to do");
        int total = all.Count * _spec.Samples;
        var generate = options.Generate && _target is not null
            ? _progress.Stage($"target {_spec.Target.Name}", _spec.Target.Name, total, all.Sum(w => Enumerable.Range(0, _spec.Samples).Count(k => w.Answer(k) is { NeedsRetry: false })))
            : null;
        var judging = _judges.Select(j => _progress.Stage($"judge {j.Settings.Name}", j.Settings.Name, total * Aspects.Count,
            all.Sum(w => Enumerable.Range(0, _spec.Samples).Sum(k => Aspects.Count(a => w.Verdict(j.Settings.Name, k, a) is { } v && !SamplePlan.Redo(v, options.RetryDeclined)))))).ToList();

        // Enough samples in flight that neither endpoint waits for the other: a sample waiting for a judge slot
        // must not keep the target idle. Each holds its images, so memory grows with this (about 300 KB each);
        // a sample waiting only for a batch holds no place (SampleFlow).
        // With a shared store, a sample held but waiting for a slot is one an idle worker cannot take, and the last samples
        // would wait on one worker while the others end: a worker holds what its endpoints work on at once and a quarter
        // of a target round more, ready for the slots that free up (no round waits for the store between rounds).
        int slots = (_target?.Spec.Concurrency ?? 0) + _judges.Sum(j => j.Client.Spec.Concurrency);
        int degree = Math.Max(2, _store.IsShared ? slots + Math.Max(1, (_target?.Spec.Concurrency ?? 0) / 4) : 2 * slots);
        // Cancelling stops new requests at once; requests already in flight get a grace period to answer and be stored.
        _stopping = cancellationToken;
        using var abort = new CancellationTokenSource();
        using var registration = cancellationToken.Register(() => abort.CancelAfter(options.GracePeriod ?? PipelineOptions.DefaultGracePeriod));
        using var noMoreSamples = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _budgetStop.Token, _stop.Token);
        var session = new PipelineSession(this, options, generate, judging, abort.Token, noMoreSamples.Token, new SampleFlow(degree));
        try
        {
            await using (session.ConfigureAwait(false))
            {
                await session.StartAsync(cancellationToken).ConfigureAwait(false);
                // Claimed a few at a time (a sixteenth of the samples in flight), so that workers sharing a store share them evenly.
                var feed = new SampleFeed(_store, todo, (w, scored) => NeedsWork(w, options, scored), Math.Max(1, degree / 16));
                await session.RunAsync(feed).ConfigureAwait(false);
            }
        }
        catch (Exception) when (_stop.Error is not null)
        {
            _stop.Rethrow(); // the error that stopped the run, not a request that was not sent because of it
        }
        catch (OperationCanceledException) when (BudgetReached && !cancellationToken.IsCancellationRequested)
        {
            // The budget is spent: what was asked is stored, and the summary says the scores are incomplete.
        }
        finally
        {
            await _budgetEvent.ConfigureAwait(false);
        }
    }

    private bool NeedsWork(SampleWork w, PipelineOptions options, IReadOnlySet<(string Judge, string Id)> scores)
    {
        var ks = Enumerable.Range(0, _spec.Samples);
        if (options.Generate && _target is not null && ks.Any(k => w.Answer(k) is null or { NeedsRetry: true })) return true;
        foreach (var (settings, _) in _judges)
        {
            if (ks.Any(k => w.Answer(k) is { IsAnswer: true } && _plan.MissingAspects(w, settings.Name, k, options.RetryDeclined).Any())) return true;
            if (!scores.Contains((settings.Name, w.Sample.Id))) return true;
        }
        return Aspects.Count == 0 && !scores.Contains(("", w.Sample.Id));
    }

    private bool AllVerdicts(SampleWork w, string judge) =>
        Enumerable.Range(0, _spec.Samples).All(k => w.Answer(k) is not { IsAnswer: true } || Aspects.All(a => w.Verdict(judge, k, a) is { NeedsRetry: false }));
}
