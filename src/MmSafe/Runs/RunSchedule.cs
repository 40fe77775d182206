using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs;

/// <summary>
/// One session of a run: the pipeline, with the models that use a batch API done in batch phases around it. A batched
/// target answers first; the pipeline then judges with the judges that ask one request at a time; each batched judge
/// judges every stored answer; a last pipeline pass asks one at a time for what no batch answered and scores every sample.
/// </summary>
public static class RunSchedule
{
    /// <returns>True when the budget stopped the session.</returns>
    public static async Task<bool> RunAsync(IRunStore store, RunSpec spec, ModelClient? target, IReadOnlyList<ModelClient> judges, ResponseCache? cache, IRunProgress? progress,
        ModelClient? captioner, BudgetGuard? budget, PipelineOptions options, CancellationToken cancellationToken)
    {
        progress ??= NoProgress.Instance;
        bool targetBatched = options.Generate && target is { Spec.Batch: true };
        if (!targetBatched && !judges.Any(j => j.Spec.Batch))
        {
            var pipeline = new RunPipeline(store, spec, target, judges, cache, progress, captioner, budget);
            await pipeline.RunAsync(options, cancellationToken).ConfigureAwait(false);
            return pipeline.BudgetReached;
        }
        if (spec.Condition == Conditions.Caption && captioner is not null && targetBatched)
            throw new InputException("a batched target with --captioner is not supported: the captions are written one request at a time first; run the target without --batch.");
        var phase = new BatchPhase(store, spec, cache, progress, options, budget);
        if (targetBatched) await phase.GenerateAsync(target!, cancellationToken).ConfigureAwait(false);
        var first = new RunPipeline(store, spec, target, [.. judges.Where(j => !j.Spec.Batch)], cache, progress, captioner, budget);
        await first.RunAsync(options with { Generate = options.Generate && !targetBatched }, cancellationToken).ConfigureAwait(false);
        foreach (var judge in judges.Where(j => j.Spec.Batch))
            if (!first.BudgetReached && !phase.BudgetReached) await phase.JudgeAsync(judge, cancellationToken).ConfigureAwait(false);
        if (first.BudgetReached || phase.BudgetReached) return true;
        var last = new RunPipeline(store, spec, target, judges, cache, NoProgress.Instance, captioner, budget);
        await last.RunAsync(options, cancellationToken).ConfigureAwait(false);
        return last.BudgetReached;
    }
}
