using MmSafe.Models;

namespace MmSafe.Runs;

/// <summary>What a run will ask for, before asking: request counts, rough token counts, cost if prices are known.</summary>
public sealed record RunPlan(int Items, int TargetRequests, int JudgeRequests, long InputTokens, long OutputTokens, decimal? Cost)
{
    /// <summary>The models of the run that the prices given have no price for (empty without prices): why <see cref="Cost"/> is unknown.</summary>
    public IReadOnlyList<string> Unpriced { get; init; } = [];

    // OpenAI bills a high-detail 512×512-ish tile image at 255 tokens plus 85; a rough average for dataset images.
    private const int TokensPerImage = 765;

    /// <summary>The same figures per model of the run (the target, then each judge), in that order.</summary>
    public IReadOnlyList<ModelPlan> Models { get; init; } = [];

    public static RunPlan Estimate(RunSpec spec, IReadOnlyDictionary<string, (decimal Input, decimal Output)>? prices)
    {
        int items = spec.Selection.SampleIds.Count;
        int answers = items * spec.Samples;
        int aspects = Benchmarks.BenchmarkRegistry.Get(spec.Benchmark).Protocol.Aspects.Count;
        int targetRequests = spec.Target.Choices == nameof(ChoicesMode.Native) ? items : answers;
        // Every judge of a panel judges every answer on every aspect.
        int perJudge = answers * aspects;
        var targetMax = spec.Target.Parameters.MaxTokens ?? 500;
        // A reasoning allowance may be spent too: the output bound is the whole token limit sent.
        var targetOut = spec.Target.Parameters.SentMaxTokens ?? 500;
        // A model sent through its batch API is billed at the batch price.
        ModelPlan Plan(string role, ModelSettings m, int requests, long inTokens, long outTokens)
        {
            bool batch = spec.Operations.GetValueOrDefault(m.Name)?.Batch == true;
            decimal? cost = prices is not null && prices.TryGetValue(m.Model, out var p)
                ? (batch ? Price.BatchFactor : 1m) * (inTokens * p.Input + outTokens * p.Output) / 1_000_000m : null;
            return new ModelPlan(role, m.Name, m.Model, requests, inTokens, outTokens, cost, batch);
        }
        var models = new List<ModelPlan> { Plan("target", spec.Target, targetRequests, (long)targetRequests * (TokensPerImage + 60), (long)answers * targetOut) };
        foreach (var judge in spec.Judges)
            models.Add(Plan("judge", judge, perJudge, (long)perJudge * ((judge.SeesImage ? TokensPerImage : 0) + 450 + targetMax), (long)perJudge * (judge.Parameters.SentMaxTokens ?? 200)));
        return new RunPlan(items, targetRequests, perJudge * spec.Judges.Count, models.Sum(m => m.InputTokens), models.Sum(m => m.OutputTokens),
            models.All(m => m.Cost is not null) ? models.Sum(m => m.Cost) : null)
        {
            Models = models,
            Unpriced = prices is null ? [] : [.. models.Select(m => m.Model).Distinct(StringComparer.Ordinal).Where(m => !prices.ContainsKey(m))],
        };
    }
}

/// <summary>Warnings a run's plan carries before anything is sent.</summary>
public static class PlanWarnings
{
    /// <summary>
    /// For the <paramref name="target"/> and each of the <paramref name="judges"/> (the specs behind <paramref name="spec"/>'s, by name) known
    /// to reason while the spec gives it only the protocol's budget: how to give it room (<see cref="ReasoningModels.BudgetWarning"/>).
    /// </summary>
    public static IReadOnlyList<string> Reasoning(RunSpec spec, ModelSpec target, IEnumerable<ModelSpec> judges)
    {
        var list = new List<string>();
        if (ReasoningModels.BudgetWarning("target", target, spec.Target.Parameters) is { } t) list.Add(t);
        foreach (var judge in judges)
            if (spec.FindJudge(judge.Name) is { } settings && ReasoningModels.BudgetWarning("judge", judge, settings.Parameters) is { } j) list.Add(j);
        return list;
    }
}

/// <summary>One model's share of a <see cref="RunPlan"/>: its role ("target" or "judge"), requests, rough tokens, and cost when it has a price.</summary>
public sealed record ModelPlan(string Role, string Name, string Model, int Requests, long InputTokens, long OutputTokens, decimal? Cost, bool Batch);
