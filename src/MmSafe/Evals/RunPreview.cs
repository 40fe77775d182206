using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Runs.Pipeline;

namespace MmSafe.Evals;

/// <summary>
/// <c>mmsafe run … --preview</c>: the first request a planned run would send, nothing sent and nothing made: the target's
/// for the first selected item and, with judges, each judge's on each aspect about a placeholder answer.
/// </summary>
public static class RunPreview
{
    /// <summary>The answer the judges' previewed requests are about (the target has not answered).</summary>
    public const string PlaceholderAnswer = "<the target's answer>";

    public static async Task<IReadOnlyList<PreviewRequest>> FirstAsync(PlannedRun run, CancellationToken cancellationToken = default)
    {
        var spec = run.Spec;
        var sample = run.Cell.Samples[0];
        IReadOnlyList<StoredAnswer> answers = spec.Judges.Count == 0 ? []
            : [new StoredAnswer(sample.Id, 0, "", CompletionKind.Completed, PlaceholderAnswer, null, "stop", null, null, null, 0, false, DateTimeOffset.UtcNow)];
        var all = await RequestPreview.ForSampleAsync(spec, BenchmarkRegistry.Get(spec.Benchmark), sample, answers, cancellationToken).ConfigureAwait(false);
        return [.. all.Where(r => r.Role == "target").Take(1), .. all.Where(r => r.Role == "judge")];
    }
}
