using MmSafe.Runs.Stores;
using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// One session of a run: one pipeline pass, whichever models send through their provider's batch API (their requests
/// travel in batches below the pipeline, see <see cref="BatchScheduler"/>).
/// </summary>
public static class RunSchedule
{
    /// <returns>True when the budget stopped the session.</returns>
    public static async Task<bool> RunAsync(IRunStore store, RunSpec spec, ModelClient? target, IReadOnlyList<ModelClient> judges, ResponseCache? cache, IRunProgress? progress,
        ModelClient? captioner, BudgetGuard? budget, PipelineOptions options, CancellationToken cancellationToken)
    {
        if (spec.Condition == Conditions.Caption && captioner is not null && options.Generate && target is { Spec.Batch: true })
            throw new InputException("a batched target with --captioner is not supported: the captions are written one request at a time first; run the target without --batch.");
        var pipeline = new RunPipeline(store, spec, target, judges, cache, progress, captioner, budget);
        await pipeline.RunAsync(options, cancellationToken).ConfigureAwait(false);
        return pipeline.BudgetReached;
    }
}
