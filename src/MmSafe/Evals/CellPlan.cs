using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Evals;

/// <summary>What one cell is made of, translated from flags or from an evaluation file; <see cref="CellPlan.Build"/> checks it.</summary>
/// <param name="Target">The target model (null: none was given, refused).</param>
/// <param name="Judges">The judges, the first the run's judge; unused (and said so) when the benchmark has no judge stage.</param>
/// <param name="Condition">What the target is shown.</param>
public sealed record CellInputs(ModelSpec? Target, IReadOnlyList<ModelSpec> Judges, string Condition)
{
    /// <summary>Answers per item; null: the protocol's.</summary>
    public int? Samples { get; init; }

    public GenerationParameters? TargetParameters { get; init; }
    public GenerationParameters? JudgeParameters { get; init; }
    public ModelSpec? Captioner { get; init; }

    /// <summary>The batch choice for the target and for the judges; null leaves each model as configured.</summary>
    public bool? BatchTarget { get; init; }
    public bool? BatchJudges { get; init; }

    public int? Limit { get; init; }

    /// <summary>How --limit chooses: "stratified" (the default) or "first"; the seed of the stratified sample (null: <see cref="StratifiedLimit.DefaultSeed"/>).</summary>
    public string? LimitOrder { get; init; }
    public int? LimitSeed { get; init; }
    public IReadOnlyList<string>? Categories { get; init; }
    public IReadOnlyList<string>? Ids { get; init; }
    public string? Shard { get; init; }

    /// <summary>Where the judges were given, for the note that a benchmark without a judge stage leaves them unused.</summary>
    public string JudgesFrom { get; init; } = "--judge";

    /// <summary>Says a note as soon as it arises (before a later refusal); null says none.</summary>
    public Action<string>? Note { get; init; }
}

/// <summary>
/// One cell, checked and assembled: its spec, the samples it stores, the models it drives, and what a plan warns of.
/// Everything a user can get wrong is refused here, named in the <see cref="CellWording"/> of whatever gave it, before
/// any run directory is made, so a dry run checks the same things.
/// </summary>
public sealed record CellPlan(RunSpec Spec, IReadOnlyList<Sample> Samples, ModelSpec Target, IReadOnlyList<ModelSpec> Judges, IReadOnlyList<string> Warnings)
{
    /// <summary>The models the cell pays for (and needs keys for): the target, the judges when the benchmark is judged, the captioner.</summary>
    public IReadOnlyList<ModelSpec> Paying { get; private init; } = [];

    /// <param name="load">Reads the benchmark's dataset (a cache may share one between cells).</param>
    public static CellPlan Build(IBenchmark bench, CellInputs inputs, CellWording wording, Func<IBenchmark, BenchmarkData> load)
    {
        int perItem = inputs.Samples ?? bench.Protocol.Samples;
        if (bench.CheckSamples(perItem) is { } why) throw new InputException(wording.Samples(perItem, why, bench.Name));
        var target = ModelBatching.Apply(inputs.Target ?? throw new InputException(wording.NoTarget), inputs.BatchTarget, wording.Batch);
        var judges = inputs.Judges;
        bool judged = bench.Protocol.Aspects.Count > 0;
        // Not an error: the same flags or models file serve the judged benchmarks too.
        if (!judged && judges.Count > 0 && inputs.Note is { } note)
            note($"note: {bench.Name} has no judge stage (its answers are scored by rule); " +
                $"{(judges.Count == 1 ? "the judge" : "the judges")} {string.Join(", ", judges.Select(j => j.Name))} ({inputs.JudgesFrom}) {(judges.Count == 1 ? "is" : "are")} not used.");
        judges = [.. judges.Select(j => ModelBatching.Apply(j, inputs.BatchJudges, wording.Batch))];
        if (judged && judges.Count == 0) throw new InputException(wording.NeedsJudge(bench.Name));
        var dataset = load(bench);
        MmSafe.Diagnostics.PhaseTrace.Mark("dataset loaded and hashed");
        var (selection, selected) = SampleSelection.Apply(dataset, inputs.Limit, inputs.Categories, inputs.Ids, inputs.Shard, inputs.LimitOrder, inputs.LimitSeed);
        SelectedImages.Check(selected);
        MmSafe.Diagnostics.PhaseTrace.Mark("images checked");
        var shown = inputs.Condition;
        if (inputs.Captioner is not null && shown != Conditions.Caption) throw new InputException(wording.CaptionerUnused(shown));
        if (Conditions.Check(bench, selected, shown, inputs.Captioner is not null, wording.CaptionerHint) is { } notHere)
            throw new InputException($"{wording.Condition(shown)}: {notHere}.");
        var spec = RunSpecs.Create(bench, dataset, selection, perItem, target, inputs.TargetParameters, judges, inputs.JudgeParameters, shown, inputs.Captioner);
        return new CellPlan(spec, selected, target, judges, PlanWarnings.Reasoning(spec, target, judges))
        {
            Paying = [target, .. judged ? judges : [], .. inputs.Captioner is { } c ? [c] : Array.Empty<ModelSpec>()],
        };
    }
}
