using Microsoft.Extensions.AI;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Models.Batches;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs;

/// <summary>
/// The requests of a model that uses its provider's batch API: every missing answer (target) or verdict (judge) of
/// the run, built exactly as the one-at-a-time path builds them (same messages, parameters, seed and identity, so the
/// same results and cache entries), sent in batches under the provider's limits. Each batch is recorded the moment
/// it is accepted, so a killed run picks up its batches instead of paying for them again; results are stored as
/// they are read, and a request a batch did not answer is stored as failed, to be asked again one at a time.
/// </summary>
internal sealed class BatchPhase(IRunStore store, RunSpec spec, ResponseCache? cache, IRunProgress progress, PipelineOptions options, BudgetGuard? budget)
{
    private const string TargetRole = "target";

    private readonly IBenchmark _benchmark = BenchmarkRegistry.Get(spec.Benchmark);

    /// <summary>True when a batch was not submitted because the budget was spent.</summary>
    public bool BudgetReached { get; private set; }

    public Task GenerateAsync(ModelClient target, CancellationToken cancellationToken)
    {
        var answers = store.Answers().ToLookup(a => a.SampleId);
        bool Missing(Sample sample, int k) => answers[sample.Id].FirstOrDefault(a => a.Sample == k) is not { NeedsRetry: false };
        return RunAsync(target, TargetRole, sample => Enumerable.Range(0, spec.Samples).Any(k => Missing(sample, k)), async (sample, images, add) =>
        {
            var messages = Conditions.Apply(_benchmark.TargetMessages(sample, images), sample, spec.Condition);
            for (int k = 0; k < spec.Samples; k++)
            {
                if (!Missing(sample, k)) continue;
                var identity = RequestIdentity.Compute(spec.Target, messages, null, k);
                await add(new BatchEntry("", sample.Id, k, null, identity), messages, spec.Target.Parameters, null).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    public Task JudgeAsync(ModelClient judge, CancellationToken cancellationToken)
    {
        var settings = spec.FindJudge(judge.Spec.Name)!;
        var answers = store.Answers().Where(a => a.IsAnswer).ToLookup(a => a.SampleId);
        var verdicts = store.Verdicts(settings.Name).ToDictionary(v => (v.SampleId, v.Sample, v.Aspect));
        var format = settings.StructuredOutput == "none" || judge.StructuredOutputUnsupported ? null : _benchmark.Protocol.JudgeFormat;
        bool Missing(StoredAnswer answer, string aspect) => verdicts.GetValueOrDefault((answer.SampleId, answer.Sample, aspect)) is not { NeedsRetry: false };
        return RunAsync(judge, settings.Name, sample => answers[sample.Id].Any(a => _benchmark.Protocol.Aspects.Any(x => Missing(a, x))), async (sample, images, add) =>
        {
            foreach (var answer in answers[sample.Id])
                foreach (var aspect in _benchmark.Protocol.Aspects)
                {
                    if (!Missing(answer, aspect)) continue;
                    var request = _benchmark.Judge(sample, aspect, answer.ScoredText, settings.SeesImage ? images : []);
                    if (request.RuleVerdict is { } rule)
                    {
                        await store.SaveAsync(new StoredVerdict(settings.Name, sample.Id, answer.Sample, aspect, "rule", CompletionKind.Completed, rule, null, null, null, 0, false,
                            DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    var identity = RequestIdentity.Compute(settings, request.Messages!, format, answer.Sample, aspect);
                    await add(new BatchEntry("", sample.Id, answer.Sample, aspect, identity), request.Messages!, settings.Parameters, format).ConfigureAwait(false);
                }
        }, cancellationToken);
    }

    private delegate Task Add(BatchEntry entry, IReadOnlyList<ChatMessage> messages, GenerationParameters parameters, ChatResponseFormat? format);

    private async Task RunAsync(ModelClient client, string role, Func<Sample, bool> needs, Func<Sample, IReadOnlyList<Images.ImageData>, Add, Task> requestsOf,
        CancellationToken cancellationToken)
    {
        var api = client.Batch ?? throw new InputException($"{client.Spec.Name}: provider {client.Spec.Provider} has no batch API; run it without --batch.");
        var mine = store.Batches().Where(b => b.Model == client.Spec.Name && b.Role == role).ToList();
        var open = mine.Where(b => b.Status == StoredBatch.Submitted).ToList();
        foreach (var interrupted in mine.Where(b => b.Status == StoredBatch.Submitting))
            if (await SettleAsync(api, client, interrupted, cancellationToken).ConfigureAwait(false) is { } found) open.Add(found);
        var waiting = open.SelectMany(b => b.Entries).Select(e => (e.SampleId, e.Sample, e.Aspect)).ToHashSet();
        var stage = progress.Stage($"{(role == TargetRole ? "target" : "judge")} {client.Spec.Name} (batch)", client.Spec.Name, waiting.Count, 0);

        var chunk = new List<(BatchEntry Entry, BatchRequest Request)>();
        var held = new List<SampleWork>();
        long bytes = 0;
        async Task SubmitAsync()
        {
            if (chunk.Count == 0) return;
            if (budget?.Exceeded == true) BudgetReached = true;
            else
            {
                // Recorded before it is sent, so that a kill between the provider's accepting it and our recording its id loses nothing.
                var submission = Guid.NewGuid().ToString("N");
                var intent = new StoredBatch($"submission:{submission}", client.Spec.Name, role, StoredBatch.Submitting, [.. chunk.Select(c => c.Entry)], DateTimeOffset.UtcNow);
                await store.SaveBatchAsync(intent, cancellationToken).ConfigureAwait(false);
                var id = await api.SubmitAsync([.. chunk.Select(c => c.Request)], submission, cancellationToken).ConfigureAwait(false);
                var batch = intent with { Id = id, Status = StoredBatch.Submitted, At = DateTimeOffset.UtcNow };
                await store.SaveBatchAsync(batch, cancellationToken).ConfigureAwait(false);
                await store.SaveBatchAsync(intent with { Status = StoredBatch.Recorded }, cancellationToken).ConfigureAwait(false);
                await store.SaveAsync(new RunEvent(batch.At, RunEvents.BatchSubmitted, client.Spec.Name, $"{id}: {chunk.Count} {role} requests"), cancellationToken).ConfigureAwait(false);
                open.Add(batch);
                stage.Resize(chunk.Count);
            }
            foreach (var work in held) work.ReleaseImages();
            (chunk, held, bytes) = ([], [], 0);
        }

        foreach (var sample in store.Samples().Where(needs))
        {
            var work = new SampleWork(sample, [], []);
            foreach (var image in sample.Images) work.Hold(await image.ReadPooledAsync(cancellationToken).ConfigureAwait(false));
            work.ImagesRead();
            held.Add(work);
            await requestsOf(sample, work.Images!, async (entry, messages, parameters, format) =>
            {
                if (waiting.Contains((entry.SampleId, entry.Sample, entry.Aspect))) return;
                if (cache is not null && await cache.GetAsync(entry.Identity, cancellationToken).ConfigureAwait(false) is { } hit)
                {
                    await SaveAsync(client, role, entry, hit, null, cached: true, cancellationToken).ConfigureAwait(false);
                    return;
                }
                var (sent, chatOptions) = client.Prepare(messages, entry.Sample, parameters, format);
                var request = new BatchRequest("", sent, chatOptions);
                if (chunk.Count >= api.MaxRequests || chunk.Count > 0 && bytes + request.EstimatedBytes > api.MaxBytes) await SubmitAsync().ConfigureAwait(false);
                chunk.Add((entry with { CustomId = $"r{chunk.Count}" }, request with { CustomId = $"r{chunk.Count}" }));
                bytes += request.EstimatedBytes;
            }).ConfigureAwait(false);
        }
        await SubmitAsync().ConfigureAwait(false);
        await WaitAsync(api, client, role, open, stage, cancellationToken).ConfigureAwait(false);
    }

    // A submission the last session did not see through: the batch it made, found by its submission id, is taken up;
    // if none is found (or the provider cannot tell), its requests are missing again and sent in a new batch.
    private async Task<StoredBatch?> SettleAsync(BatchApi api, ModelClient client, StoredBatch intent, CancellationToken cancellationToken)
    {
        var submission = intent.Id["submission:".Length..];
        if (await api.FindAsync(submission, cancellationToken).ConfigureAwait(false) is { } id)
        {
            var batch = intent with { Id = id, Status = StoredBatch.Submitted };
            await store.SaveBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            await store.SaveBatchAsync(intent with { Status = StoredBatch.Recorded }, cancellationToken).ConfigureAwait(false);
            await store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.BatchSubmitted, client.Spec.Name,
                $"{id}: found by its submission after the last session stopped before recording it"), cancellationToken).ConfigureAwait(false);
            return batch;
        }
        await store.SaveBatchAsync(intent with { Status = StoredBatch.Lost }, cancellationToken).ConfigureAwait(false);
        await store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.BatchLost, client.Spec.Name, api.CanFind
            ? $"a submission of {intent.Entries.Count} requests was interrupted and made no batch; they are sent again"
            : $"a submission of {intent.Entries.Count} requests was interrupted before its batch id arrived, and {client.Spec.Provider} cannot find a batch by ours; they are sent again (a batch made by the lost submission is paid too)"),
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task WaitAsync(BatchApi api, ModelClient client, string role, List<StoredBatch> open, IRunStage stage, CancellationToken cancellationToken)
    {
        var poll = options.BatchPoll ?? PipelineOptions.DefaultBatchPoll;
        while (open.Count > 0)
        {
            foreach (var batch in open.ToList())
            {
                BatchState state;
                try
                {
                    state = await api.PollAsync(batch.Id, cancellationToken).ConfigureAwait(false);
                }
                catch (ModelRequestException e) when (e.IsTransient)
                {
                    continue; // asked again at the next poll
                }
                if (!state.Ended) continue;
                var outcomes = (await api.ResultsAsync(state, cancellationToken).ConfigureAwait(false)).ToDictionary(o => o.CustomId);
                foreach (var entry in batch.Entries)
                {
                    var outcome = outcomes.GetValueOrDefault(entry.CustomId);
                    await SaveAsync(client, role, entry, outcome?.Completion,
                        outcome?.Error ?? (outcome is null ? $"batch {batch.Id} ended ({state.Status}) without an answer to this request" : null), cached: false, cancellationToken).ConfigureAwait(false);
                    stage.Advance(outcome?.Completion is null);
                }
                await store.SaveBatchAsync(batch with { Status = StoredBatch.Collected }, cancellationToken).ConfigureAwait(false);
                await store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.BatchEnded, client.Spec.Name, $"{batch.Id}: {state.Status}, {outcomes.Count} of {batch.Entries.Count} answered"),
                    cancellationToken).ConfigureAwait(false);
                open.Remove(batch);
            }
            if (open.Count > 0) await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SaveAsync(ModelClient client, string role, BatchEntry e, Completion? c, string? error, bool cached, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (c is not null && !cached)
        {
            client.Usage.Record(TimeSpan.Zero, c.InputTokens, c.OutputTokens, failed: false);
            if (cache is not null) await cache.PutAsync(e.Identity, c, cancellationToken).ConfigureAwait(false);
        }
        if (role == TargetRole)
        {
            var (answer, cut) = AnswerCap.Apply(c is null
                ? new StoredAnswer(e.SampleId, e.Sample, e.Identity, null, null, null, null, error, null, null, 0, false, now)
                : new StoredAnswer(e.SampleId, e.Sample, e.Identity, c.Kind, c.Kind.IsAnswer() || c.Kind == CompletionKind.ContentFiltered ? _benchmark.Normalise(c.Text) : c.Text,
                    c.Refusal, c.FinishReason, null, c.InputTokens, c.OutputTokens, 0, cached, now, c.Reasoning, c.ReasoningTokens), spec.Target.Model);
            if (cut is not null) await store.SaveAsync(cut, cancellationToken).ConfigureAwait(false);
            await store.SaveAsync(answer, cancellationToken).ConfigureAwait(false);
        }
        else
            await store.SaveAsync(new StoredVerdict(role, e.SampleId, e.Sample, e.Aspect!, e.Identity, c?.Kind, c is null ? null : c.Kind.IsAnswer() ? c.ScoredText : c.Refusal ?? c.Text,
                c is null ? error : null, c?.InputTokens, c?.OutputTokens, 0, cached, now), cancellationToken).ConfigureAwait(false);
    }
}
