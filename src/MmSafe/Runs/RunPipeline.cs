using Microsoft.Extensions.AI;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs;

/// <summary>
/// A run's data path: for each sample still to do, read its images once, ask the target for each missing answer
/// (or reuse it from the response cache under the same request identity), store it, judge it at once on every
/// aspect with every judge (target and judge endpoints work at the same time), and when a sample's verdicts are
/// in, score it and store the score with its diagnostics. Nothing in the store is asked for again except
/// failures and malformed replies. Key, URL and model errors, and an endpoint that went away, stop the run; every
/// other failure is stored.
/// </summary>
public sealed class RunPipeline
{
    private readonly IRunStore _store;
    private readonly RunSpec _spec;
    private readonly IBenchmark _benchmark;
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

    /// <param name="captioner">Writes the image descriptions of the caption condition where the dataset has none.</param>
    /// <param name="budget">A hard stop: when it is used up no new request starts; those in flight finish and are stored.</param>
    public RunPipeline(IRunStore store, RunSpec spec, ModelClient? target, IReadOnlyList<ModelClient> judges, ResponseCache? cache = null, IRunProgress? progress = null,
        ModelClient? captioner = null, BudgetGuard? budget = null)
    {
        (_captionWriter, _budget, _store, _spec) = (new CaptionWriter(store, spec, captioner, cache), budget, store, spec);
        _benchmark = BenchmarkRegistry.Get(spec.Benchmark);
        _target = target;
        _judges = [.. judges.Select(j => (spec.FindJudge(j.Spec.Name) ?? throw new InvalidOperationException($"judge {j.Spec.Name} is not in the run spec"), j))];
        _cache = cache;
        _progress = progress ?? NoProgress.Instance;
    }

    private IReadOnlyList<string> Aspects => _benchmark.Protocol.Aspects;

    /// <summary>True when the run stopped because its budget was used up.</summary>
    public bool BudgetReached => _budgetStop.IsCancellationRequested;

    // Whether a request for this sample may start: this worker still holds its lease (a shared store), and MayAsk().
    private bool MayAsk(SampleWork work) => _store.Holds(work.Sample.Id) && MayAsk();
    // Whether a new request may start: not after Ctrl+C, not once the budget is spent, not once the store has failed.
    private bool MayAsk()
    {
        if (_stopping.IsCancellationRequested || _budgetStop.IsCancellationRequested || _store.IsUnavailable || _stop.Stopped) return false;
        if (_budget?.Exceeded != true) return true;
        _budgetStop.Cancel();
        _store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.BudgetReached, "", _budget.Describe())).GetAwaiter().GetResult();
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
            all.Sum(w => Enumerable.Range(0, _spec.Samples).Sum(k => Aspects.Count(a => w.Verdict(j.Settings.Name, k, a) is { } v && !Redo(v, options)))))).ToList();

        // Enough samples in flight that neither endpoint waits for the other: a sample waiting for a judge slot
        // must not keep the target idle. Each holds its images, so memory grows with this (about 300 KB each).
        int degree = Math.Max(2, 2 * ((_target?.Spec.Concurrency ?? 0) + _judges.Sum(j => j.Client.Spec.Concurrency)));
        // Cancelling stops new requests at once; requests already in flight get a grace period to answer and be stored.
        _stopping = cancellationToken;
        using var abort = new CancellationTokenSource();
        using var registration = cancellationToken.Register(() => abort.CancelAfter(options.GracePeriod ?? PipelineOptions.DefaultGracePeriod));
        using var noMoreSamples = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _budgetStop.Token, _stop.Token);
        try
        {
            // Claimed a few at a time (a sixteenth of the samples in flight), so that workers sharing a store share them evenly.
            var feed = new SampleFeed(_store, todo, (w, scored) => NeedsWork(w, options, scored), Math.Max(1, degree / 16));
            await ForEachSampleAsync(feed, degree, options, generate, judging, abort.Token, noMoreSamples.Token).ConfigureAwait(false);
        }
        catch (Exception) when (_stop.Error is not null)
        {
            _stop.Rethrow(); // the error that stopped the run, not a request that was not sent because of it
        }
        catch (OperationCanceledException) when (BudgetReached && !cancellationToken.IsCancellationRequested)
        {
            // The budget is spent: what was asked is stored, and the summary says the scores are incomplete.
        }
    }

    private Task ForEachSampleAsync(SampleFeed feed, int degree, PipelineOptions options, IRunStage? generate, IReadOnlyList<IRunStage> judging,
        CancellationToken requests, CancellationToken samples) =>
        Parallel.ForEachAsync(feed.ReadAllAsync(samples), new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = samples },
            async (work, _) =>
            {
                try
                {
                    await ProcessAsync(work, options, generate, judging, requests).ConfigureAwait(false);
                }
                catch (ModelRequestException e) when (e.StopsTheRun)
                {
                    _stop.Stop(e); // raised outside a concurrency slot (a captioner, a mock): the first such error still ends the run
                    throw;
                }
                catch (RequestNotStartedException) when (_store.IsUnavailable || _stop.Stopped || !_store.Holds(work.Sample.Id) && MayAsk())
                {
                    // The store failed (the failed save reports it), or another worker took over the sample's lease.
                }
                finally
                {
                    work.ReleaseImages(); // the buffers go back to the pool as soon as the sample is done
                }
                // Through the feed: a sample whose lease was lost meanwhile comes back to be claimed again before the run ends.
                await feed.ReleaseAsync(work, stopping: samples.IsCancellationRequested || _store.IsUnavailable, CancellationToken.None).ConfigureAwait(false);
            });

    private bool NeedsWork(SampleWork w, PipelineOptions options, IReadOnlySet<(string Judge, string Id)> scores)
    {
        var ks = Enumerable.Range(0, _spec.Samples);
        if (options.Generate && _target is not null && ks.Any(k => w.Answer(k) is null or { NeedsRetry: true })) return true;
        foreach (var (settings, _) in _judges)
        {
            if (ks.Any(k => w.Answer(k) is { IsAnswer: true } && Aspects.Any(a => w.Verdict(settings.Name, k, a) is not { } v || Redo(v, options)))) return true;
            if (!scores.Contains((settings.Name, w.Sample.Id))) return true;
        }
        return Aspects.Count == 0 && !scores.Contains(("", w.Sample.Id));
    }

    private bool AllVerdicts(SampleWork w, string judge) =>
        Enumerable.Range(0, _spec.Samples).All(k => w.Answer(k) is not { IsAnswer: true } || Aspects.All(a => w.Verdict(judge, k, a) is { NeedsRetry: false }));
    private static bool Redo(StoredVerdict v, PipelineOptions options) => v.NeedsRetry || options.RetryDeclined && v.JudgeDeclined;

    private async Task ProcessAsync(SampleWork work, PipelineOptions options, IRunStage? generate, IReadOnlyList<IRunStage> judging, CancellationToken token)
    {
        var missing = options.Generate && _target is not null
            ? Enumerable.Range(0, _spec.Samples).Where(k => work.Answer(k) is null or { NeedsRetry: true }).ToList()
            : [];
        var existing = Enumerable.Range(0, _spec.Samples).Where(k => !missing.Contains(k) && work.Answer(k) is not null).ToList();
        bool needsImages = missing.Count > 0 || existing.Any(k => work.Answer(k)!.IsAnswer && _judges.Any(j => Aspects.Any(a => work.Verdict(j.Settings.Name, k, a) is not { } v || Redo(v, options))));
        if (needsImages) await work.ReadImagesAsync(token).ConfigureAwait(false);

        var tasks = new List<Task>();
        foreach (var k in existing) tasks.Add(JudgeAnswerAsync(work, k, options, judging, token));
        if (missing.Count > 0) tasks.Add(GenerateAsync(work, missing, generate!, options, judging, token));
        await Task.WhenAll(tasks).ConfigureAwait(false);

        // A judge's score waits for all of its verdicts: one not asked (a budget stop) or failed is not "unreadable".
        foreach (var (settings, _) in _judges.Where(j => AllVerdicts(work, j.Settings.Name)))
            await _store.SaveScoreAsync(settings.Name, _benchmark.Score(work.Sample, work.Judged(settings.Name, _spec.Samples)), token).ConfigureAwait(false);
        if (Aspects.Count == 0)
            await _store.SaveScoreAsync("", _benchmark.Score(work.Sample, work.Judged("", _spec.Samples)), token).ConfigureAwait(false);
    }

    private async Task GenerateAsync(SampleWork work, List<int> missing, IRunStage stage, PipelineOptions options, IReadOnlyList<IRunStage> judging, CancellationToken token)
    {
        if (work.ImageError is { } imageError)
        {
            foreach (var k in missing) await SaveAnswerAsync(work, Failed(work, k, "", imageError), stage, options, judging, token, judge: false).ConfigureAwait(false);
            return;
        }
        var sample = work.Sample;
        if (_spec.Condition == Conditions.Caption && !Conditions.HasCaption(sample))
        {
            string caption;
            try
            {
                caption = await _captionWriter.CaptionAsync(work.Sample, work.Images!, token).ConfigureAwait(false);
            }
            catch (ModelRequestException e) when (!e.StopsTheRun)
            {
                foreach (var k in missing) await SaveAnswerAsync(work, Failed(work, k, "", $"the captioner failed: {e.Message}"), stage, options, judging, token, judge: false).ConfigureAwait(false);
                return;
            }
            sample = sample with { Fields = new Dictionary<string, string>(sample.Fields) { [Conditions.CaptionField] = caption } };
        }
        var messages = Conditions.Apply(_benchmark.TargetMessages(sample, work.Images!), sample, _spec.Condition);
        var identities = missing.ToDictionary(k => k, k => RequestIdentity.Compute(_spec.Target, messages, null, k));
        var judgeTasks = new List<Task>();
        var uncached = new List<int>();
        foreach (var k in missing)
        {
            if (_cache is not null && await _cache.GetAsync(identities[k], token).ConfigureAwait(false) is { } hit)
                judgeTasks.Add(SaveAnswerAsync(work, Stored(work, k, identities[k], hit, cached: true), stage, options, judging, token));
            else uncached.Add(k);
        }
        // Native n: one request for all of them. Parallel: one request per answer, each judged as soon as it is stored.
        var batches = _target!.Spec.Choices == ChoicesMode.Native ? [uncached] : uncached.Select(k => new List<int> { k }).ToList();
        if (!MayAsk(work)) batches.Clear();
        judgeTasks.AddRange(batches.Where(b => b.Count > 0).Select(async batch =>
        {
            try
            {
                var completions = await _target.SampleAsync(messages, batch, _spec.Target.Parameters, null, token, () => MayAsk(work), _stop.Stop).ConfigureAwait(false);
                var saves = new List<Task>();
                for (int i = 0; i < batch.Count; i++)
                {
                    if (_cache is not null) await _cache.PutAsync(identities[batch[i]], completions[i], token).ConfigureAwait(false);
                    saves.Add(SaveAnswerAsync(work, Stored(work, batch[i], identities[batch[i]], completions[i], cached: false), stage, options, judging, token));
                }
                await Task.WhenAll(saves).ConfigureAwait(false);
            }
            catch (ModelRequestException e) when (!e.StopsTheRun)
            {
                foreach (var k in batch) await SaveAnswerAsync(work, Failed(work, k, identities[k], e.Message), stage, options, judging, token, judge: false).ConfigureAwait(false);
            }
        }));
        await Task.WhenAll(judgeTasks).ConfigureAwait(false);
    }

    private StoredAnswer Stored(SampleWork work, int k, string identity, Completion c, bool cached) =>
        new(work.Sample.Id, k, identity, c.Kind, c.Kind.IsAnswer() || c.Kind == CompletionKind.ContentFiltered ? _benchmark.Normalise(c.Text) : c.Text,
            c.Refusal, c.FinishReason, null, c.InputTokens, c.OutputTokens, cached ? 0 : c.Latency.TotalMilliseconds, cached, DateTimeOffset.UtcNow,
            c.Reasoning, c.ReasoningTokens);

    private static StoredAnswer Failed(SampleWork work, int k, string identity, string error) =>
        new(work.Sample.Id, k, identity, null, null, null, null, error, null, null, 0, false, DateTimeOffset.UtcNow);

    private async Task SaveAnswerAsync(SampleWork work, StoredAnswer answer, IRunStage stage, PipelineOptions options, IReadOnlyList<IRunStage> judging,
        CancellationToken token, bool judge = true)
    {
        (answer, var cut) = AnswerCap.Apply(answer, _spec.Target.Model);
        if (cut is not null) await _store.SaveAsync(cut, token).ConfigureAwait(false);
        await _store.SaveAsync(answer, token).ConfigureAwait(false);
        work.Record(answer);
        stage.Advance(answer.NeedsRetry);
        if (!answer.IsAnswer)
        {
            foreach (var s in judging) s.Resize(-Aspects.Count);
            return;
        }
        if (judge) await JudgeAnswerAsync(work, answer.Sample, options, judging, token).ConfigureAwait(false);
    }

    private Task JudgeAnswerAsync(SampleWork work, int k, PipelineOptions options, IReadOnlyList<IRunStage> judging, CancellationToken token)
    {
        var answer = work.Answer(k);
        if (answer is not { IsAnswer: true } || !MayAsk(work)) return Task.CompletedTask;
        return Task.WhenAll(_judges.SelectMany((j, index) => Aspects
            .Where(a => work.Verdict(j.Settings.Name, k, a) is not { } v || Redo(v, options))
            .Select(a => JudgeOneAsync(work, answer, a, j.Settings, j.Client, judging[index], token))));
    }

    private async Task JudgeOneAsync(SampleWork work, StoredAnswer answer, string aspect, ModelSettings settings, ModelClient judge, IRunStage stage, CancellationToken token)
    {
        StoredVerdict Verdict(string identity, CompletionKind? kind, string? raw, string? error, Completion? c = null, bool cached = false) =>
            new(settings.Name, work.Sample.Id, answer.Sample, aspect, identity, kind, raw, error, c?.InputTokens, c?.OutputTokens,
                cached || c is null ? 0 : c.Latency.TotalMilliseconds, cached, DateTimeOffset.UtcNow);
        StoredVerdict verdict;
        if (work.ImageError is { } imageError) verdict = Verdict("", null, null, imageError);
        else
        {
            var request = _benchmark.Judge(work.Sample, aspect, answer.ScoredText, settings.SeesImage ? work.Images! : []);
            if (request.RuleVerdict is { } rule) verdict = Verdict("rule", CompletionKind.Completed, rule, null);
            else
            {
                var format = settings.StructuredOutput == "none" || judge.StructuredOutputUnsupported ? null : _benchmark.Protocol.JudgeFormat;
                var identity = RequestIdentity.Compute(settings, request.Messages!, format, answer.Sample, aspect);
                try
                {
                    var hit = _cache is null ? null : await _cache.GetAsync(identity, token).ConfigureAwait(false);
                    var c = hit ?? (await judge.SampleAsync(request.Messages!, [answer.Sample], settings.Parameters, format, token, () => MayAsk(work), _stop.Stop).ConfigureAwait(false))[0];
                    // An endpoint that refuses response_format answers nothing sent with it: once the fallback has switched it off,
                    // this answer was made without the format, and is recorded (and cached) under that request's identity.
                    if (hit is null && format is not null && judge.StructuredOutputUnsupported)
                        identity = RequestIdentity.Compute(settings, request.Messages!, null, answer.Sample, aspect);
                    if (hit is null && _cache is not null) await _cache.PutAsync(identity, c, token).ConfigureAwait(false);
                    verdict = Verdict(identity, c.Kind, c.Kind.IsAnswer() ? c.ScoredText : c.Refusal ?? c.Text, null, c, cached: hit is not null);
                }
                catch (ModelRequestException e) when (!e.StopsTheRun)
                {
                    verdict = Verdict(identity, null, null, e.Message);
                }
            }
        }
        if (settings.StructuredOutput == nameof(StructuredOutputMode.Auto) && judge.StructuredOutputUnsupported && _fallbackRecorded.TryAdd(settings.Name, 0))
            await _store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.StructuredOutputOff, settings.Name,
                $"the judge endpoint rejected response_format; later requests carry the prompt alone ({judge.StructuredOutput.Reason})"), token).ConfigureAwait(false);
        await _store.SaveAsync(verdict, token).ConfigureAwait(false);
        work.Record(verdict);
        stage.Advance(verdict.NeedsRetry);
    }
}
