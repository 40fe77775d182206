using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>What a run will ask for, before asking: request counts, rough token counts, cost if prices are known.</summary>
public sealed record RunPlan(int Items, int TargetRequests, int JudgeRequests, long InputTokens, long OutputTokens, decimal? Cost)
{
    // OpenAI bills a high-detail 512×512-ish tile image at 255 tokens plus 85; a rough average for dataset images.
    private const int TokensPerImage = 765;

    public static RunPlan Estimate(RunSpec spec, IReadOnlyDictionary<string, (decimal Input, decimal Output)>? prices)
    {
        int items = spec.Selection.SampleIds.Count;
        int answers = items * spec.Samples;
        int aspects = Benchmarks.BenchmarkRegistry.Get(spec.Benchmark).Protocol.Aspects.Count;
        int targetRequests = spec.Target.Choices == nameof(ChoicesMode.Native) ? items : answers;
        int judgeRequests = spec.Judge is null ? 0 : answers * aspects;
        var targetMax = spec.Target.Parameters.MaxTokens ?? 500;
        var judgeMax = spec.Judge?.Parameters.MaxTokens ?? 200;
        long targetIn = (long)targetRequests * (TokensPerImage + 60), targetOut = (long)answers * targetMax;
        long judgeIn = (long)judgeRequests * (TokensPerImage + 450 + targetMax), judgeOut = (long)judgeRequests * judgeMax;
        decimal? cost = null;
        if (prices is not null && prices.TryGetValue(spec.Target.Model, out var tp) && (spec.Judge is null || prices.ContainsKey(spec.Judge.Model)))
        {
            cost = (targetIn * tp.Input + targetOut * tp.Output) / 1_000_000m;
            if (spec.Judge is not null && prices.TryGetValue(spec.Judge.Model, out var jp)) cost += (judgeIn * jp.Input + judgeOut * jp.Output) / 1_000_000m;
        }
        return new RunPlan(items, targetRequests, judgeRequests, targetIn + judgeIn, targetOut + judgeOut, cost);
    }
}
