using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>What a run will ask for, before asking: request counts, rough token counts, cost if prices are known.</summary>
public sealed record RunPlan(int Items, int TargetRequests, int JudgeRequests, long InputTokens, long OutputTokens, decimal? Cost)
{
    /// <summary>The models of the run that the prices given have no price for (empty without prices): why <see cref="Cost"/> is unknown.</summary>
    public IReadOnlyList<string> Unpriced { get; init; } = [];

    // OpenAI bills a high-detail 512×512-ish tile image at 255 tokens plus 85; a rough average for dataset images.
    private const int TokensPerImage = 765;

    public static RunPlan Estimate(RunSpec spec, IReadOnlyDictionary<string, (decimal Input, decimal Output)>? prices)
    {
        int items = spec.Selection.SampleIds.Count;
        int answers = items * spec.Samples;
        int aspects = Benchmarks.BenchmarkRegistry.Get(spec.Benchmark).Protocol.Aspects.Count;
        int targetRequests = spec.Target.Choices == nameof(ChoicesMode.Native) ? items : answers;
        // Every judge of a panel judges every answer on every aspect.
        int perJudge = answers * aspects;
        int judgeRequests = perJudge * spec.Judges.Count;
        var targetMax = spec.Target.Parameters.MaxTokens ?? 500;
        long targetIn = (long)targetRequests * (TokensPerImage + 60), targetOut = (long)answers * targetMax;
        long judgeIn = 0, judgeOut = 0;
        // A model sent through its batch API is billed at the batch price.
        decimal Factor(ModelSettings m) => spec.Operations.GetValueOrDefault(m.Name)?.Batch == true ? Price.BatchFactor : 1m;
        decimal? cost = prices is not null && prices.TryGetValue(spec.Target.Model, out var tp) ? Factor(spec.Target) * (targetIn * tp.Input + targetOut * tp.Output) / 1_000_000m : null;
        foreach (var judge in spec.Judges)
        {
            long inTokens = (long)perJudge * ((judge.SeesImage ? TokensPerImage : 0) + 450 + targetMax), outTokens = (long)perJudge * (judge.Parameters.MaxTokens ?? 200);
            judgeIn += inTokens;
            judgeOut += outTokens;
            cost = cost is { } sum && prices!.TryGetValue(judge.Model, out var jp) ? sum + Factor(judge) * (inTokens * jp.Input + outTokens * jp.Output) / 1_000_000m : null;
        }
        var models = spec.Judges.Select(j => j.Model).Prepend(spec.Target.Model);
        return new RunPlan(items, targetRequests, judgeRequests, targetIn + judgeIn, targetOut + judgeOut, cost)
        {
            Unpriced = prices is null ? [] : [.. models.Distinct(StringComparer.Ordinal).Where(m => !prices.ContainsKey(m))],
        };
    }
}
