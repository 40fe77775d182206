using MmSafe.Images;
using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>
/// Runs a benchmark's stages against its store: generate every missing answer, then judge every
/// answer not yet judged. Work already in the store is never requested again; a request that
/// fails for good is stored as an error with its reason. Key, URL and model errors stop the run.
/// </summary>
public sealed class RunEngine(RunStore store, IRunBenchmark benchmark, ModelClient? target, ModelClient? judge,
    GenerationParameters? targetOverrides = null, GenerationParameters? judgeOverrides = null, IRunProgress? progress = null)
{
    private readonly IRunProgress _progress = progress ?? NoProgress.Instance;

    public async Task GenerateAsync(CancellationToken cancellationToken = default)
    {
        if (target is null) throw new InvalidOperationException("generating needs a target model");
        var done = store.Samples().Where(s => !s.Failed).Select(s => (s.ItemId, s.Sample)).ToHashSet();
        var work = benchmark.Items
            .Select(item => (Item: item, Missing: Enumerable.Range(0, benchmark.Samples).Where(k => !done.Contains((item.Id, k))).ToList()))
            .Where(w => w.Missing.Count > 0).ToList();
        int total = benchmark.Items.Count * benchmark.Samples;
        var stage = _progress.Stage("generate", total, total - work.Sum(w => w.Missing.Count));
        var parameters = benchmark.TargetParameters.With(targetOverrides);
        var model = target;
        await ForEachAsync(work, model, async (w, token) =>
        {
            var image = await TryReadAsync(w.Item.Image, token).ConfigureAwait(false);
            if (image.Error is not null)
            {
                foreach (var k in w.Missing) await SaveFailureAsync(w.Item.Id, k, "", image.Error, stage, token).ConfigureAwait(false);
                return;
            }
            var messages = benchmark.TargetMessages(w.Item, image.Data!);
            // All samples in one call when none exist yet (native n possible); otherwise each missing one with its own seed.
            var batches = w.Missing.Count == benchmark.Samples
                ? [(w.Missing, parameters)]
                : w.Missing.Select(k => (Missing: new List<int> { k }, Parameters: parameters with { Seed = parameters.Seed + k })).ToList();
            foreach (var (samples, p) in batches)
            {
                try
                {
                    var completions = await model.SampleAsync(messages, samples.Count, p, null, token).ConfigureAwait(false);
                    for (int i = 0; i < samples.Count; i++)
                    {
                        var c = completions[i];
                        await store.SaveAsync(new StoredSample(w.Item.Id, samples[i], RequestKey.Compute(model.Spec, messages, p, samples[i]), c.Kind,
                            benchmark.Normalise(c.Text), c.Refusal, c.FinishReason, null, c.InputTokens, c.OutputTokens, c.Latency.TotalMilliseconds,
                            DateTimeOffset.UtcNow), token).ConfigureAwait(false);
                        stage.Advance(false);
                    }
                }
                catch (ModelRequestException e) when (!e.IsConfigurationError)
                {
                    foreach (var k in samples) await SaveFailureAsync(w.Item.Id, k, RequestKey.Compute(model.Spec, messages, p, k), e.Message, stage, token).ConfigureAwait(false);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="retryDeclined">Also ask again where the judge declined or was filtered.</param>
    public async Task JudgeAsync(bool retryDeclined = false, CancellationToken cancellationToken = default)
    {
        if (judge is null || benchmark.Aspects.Count == 0) return;
        string name = judge.Spec.Name;
        var have = store.Verdicts(name).Where(v => !v.Failed && (!retryDeclined || !v.JudgeDeclined)).Select(v => (v.ItemId, v.Sample, v.Aspect)).ToHashSet();
        var answers = store.Samples().Where(s => !s.Failed).ToList();
        var byItem = benchmark.Items.ToDictionary(i => i.Id);
        var work = answers.Where(s => byItem.ContainsKey(s.ItemId))
            .SelectMany(s => benchmark.Aspects.Where(a => !have.Contains((s.ItemId, s.Sample, a))).Select(a => (Answer: s, Aspect: a)))
            .GroupBy(x => x.Answer.ItemId).ToList();
        int total = answers.Count(s => byItem.ContainsKey(s.ItemId)) * benchmark.Aspects.Count;
        var stage = _progress.Stage($"judge ({name})", total, total - work.Sum(g => g.Count()));
        var parameters = benchmark.JudgeParameters.With(judgeOverrides);
        await ForEachAsync(work, judge, async (group, token) =>
        {
            var item = byItem[group.Key];
            var image = await TryReadAsync(item.Image, token).ConfigureAwait(false);
            await Task.WhenAll(group.Select(x => JudgeOneAsync(item, x.Answer, x.Aspect, image, parameters, stage, token))).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task JudgeOneAsync(RunItem item, StoredSample answer, string aspect, (ImageData? Data, string? Error) image,
        GenerationParameters parameters, IRunStage stage, CancellationToken token)
    {
        string name = judge!.Spec.Name;
        if (image.Error is not null)
        {
            await store.SaveAsync(new StoredVerdict(name, item.Id, answer.Sample, aspect, "", null, null, image.Error, null, null, 0, DateTimeOffset.UtcNow), token).ConfigureAwait(false);
            stage.Advance(true);
            return;
        }
        var request = benchmark.Judge(item, answer.ScoredText, aspect, image.Data!);
        if (request.CannedReply is { } canned)
        {
            await store.SaveAsync(new StoredVerdict(name, item.Id, answer.Sample, aspect, "rule", CompletionKind.Completed, canned, null, null, null, 0, DateTimeOffset.UtcNow), token).ConfigureAwait(false);
            stage.Advance(false);
            return;
        }
        var key = RequestKey.Compute(judge.Spec, request.Messages!, parameters, 0, aspect);
        try
        {
            var c = (await judge.SampleAsync(request.Messages!, 1, parameters, benchmark.JudgeFormat, token).ConfigureAwait(false))[0];
            await store.SaveAsync(new StoredVerdict(name, item.Id, answer.Sample, aspect, key, c.Kind, c.Kind == CompletionKind.Completed || c.Kind == CompletionKind.Truncated ? c.Text : c.ScoredText,
                null, c.InputTokens, c.OutputTokens, c.Latency.TotalMilliseconds, DateTimeOffset.UtcNow), token).ConfigureAwait(false);
            stage.Advance(false);
        }
        catch (ModelRequestException e) when (!e.IsConfigurationError)
        {
            await store.SaveAsync(new StoredVerdict(name, item.Id, answer.Sample, aspect, key, null, null, e.Message, null, null, 0, DateTimeOffset.UtcNow), token).ConfigureAwait(false);
            stage.Advance(true);
        }
    }

    private async Task SaveFailureAsync(int itemId, int sample, string key, string error, IRunStage stage, CancellationToken token)
    {
        await store.SaveAsync(new StoredSample(itemId, sample, key, null, null, null, null, error, null, null, 0, DateTimeOffset.UtcNow), token).ConfigureAwait(false);
        stage.Advance(true);
    }

    private static async Task<(ImageData? Data, string? Error)> TryReadAsync(ImageRef image, CancellationToken token)
    {
        try
        {
            return (await image.ReadAsync(token).ConfigureAwait(false), null);
        }
        catch (InputException e)
        {
            return (null, e.Message);
        }
    }

    // Enough items in flight to keep the model's concurrency busy, few enough to bound image memory.
    private static Task ForEachAsync<T>(IEnumerable<T> work, ModelClient model, Func<T, CancellationToken, ValueTask> body, CancellationToken token) =>
        Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, model.Spec.Concurrency * 2), CancellationToken = token }, body);
}
