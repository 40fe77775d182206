using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>What a run will ask for, before asking: request counts, rough token counts, cost if prices are known.</summary>
public sealed record RunPlan(int Items, int TargetRequests, int JudgeRequests, long InputTokens, long OutputTokens, decimal? Cost)
{
    // OpenAI bills a high-detail 512×512-ish tile image at 255 tokens plus 85; a rough average for dataset images.
    private const int TokensPerImage = 765;

    public static RunPlan Estimate(IRunBenchmark benchmark, ModelSpec target, ModelSpec? judge, GenerationParameters? targetOverrides,
        IReadOnlyDictionary<string, (decimal Input, decimal Output)>? prices)
    {
        int items = benchmark.Items.Count;
        int answers = items * benchmark.Samples;
        int targetRequests = target.Choices == ChoicesMode.Native ? items : answers;
        int judgeRequests = judge is null ? 0 : answers * benchmark.Aspects.Count;
        var targetMax = benchmark.TargetParameters.With(targetOverrides).MaxTokens ?? 500;
        var judgeMax = benchmark.JudgeParameters.MaxTokens ?? 200;
        long targetIn = (long)targetRequests * (TokensPerImage + 60), targetOut = (long)answers * targetMax;
        long judgeIn = (long)judgeRequests * (TokensPerImage + 450 + targetMax), judgeOut = (long)judgeRequests * judgeMax;
        decimal? cost = null;
        if (prices is not null && prices.TryGetValue(target.Model, out var tp) && (judge is null || prices.ContainsKey(judge.Model)))
        {
            cost = (targetIn * tp.Input + targetOut * tp.Output) / 1_000_000m;
            if (judge is not null && prices.TryGetValue(judge.Model, out var jp)) cost += (judgeIn * jp.Input + judgeOut * jp.Output) / 1_000_000m;
        }
        return new RunPlan(items, targetRequests, judgeRequests, targetIn + judgeIn, targetOut + judgeOut, cost);
    }
}
