using MmSafe.Runs.Stores;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Evals;

/// <summary>
/// <c>judge</c>'s one change to a run's record: a new judge added to the spec, a recorded judge that stored no readable
/// verdict yet given fixed parameters (recorded as a settings-changed event), or the run's own judge asked again. A judge
/// is recorded only once it works: one that answers nothing is taken out again (<see cref="Withdraw"/>).
/// </summary>
/// <param name="Requested">The judge the flags name, resolved against the run's recorded models; null: the run's own judge.</param>
/// <param name="Flags">Parameters given for the judge (they win over its models-file entry and the protocol).</param>
public sealed record JudgeAddition(Func<RunSpec, ModelSpec?> Requested, GenerationParameters? Flags)
{
    /// <summary>Whether parameter flags were given (they may re-parameterise a judge with no readable verdict).</summary>
    public bool ParametersGiven { get; init; }

    /// <summary>Judge without the image, recorded as judge NAME-no-image.</summary>
    public bool WithoutImage { get; init; }

    /// <summary>Through the provider's batch API.</summary>
    public bool Batch { get; init; }

    /// <summary>The flag naming the judge's key variable, for messages.</summary>
    public string KeyFlag { get; init; } = "--judge-api-key-env";

    /// <summary>What <see cref="ApplyAsync"/> decided: the judge to ask, its recorded settings, and the spec to restore when it answers nothing.</summary>
    public sealed record Applied(ModelSpec Model, ModelSettings Settings, RunSpec? Before);

    /// <summary>Checks the judge against the run's record and records it there.</summary>
    public async Task<Applied> ApplyAsync(IRunStore store, string path, CancellationToken cancellationToken = default)
    {
        var spec = store.ReadSpec()!;
        var benchmark = BenchmarkRegistry.Get(spec.Benchmark);
        if (benchmark.Protocol.Aspects.Count == 0) throw new InputException($"{spec.Benchmark} has no judge stage.");
        var requested = Requested(spec);
        if (WithoutImage && requested is null) throw new InputException("--without-image needs --judge NAME: the judge to ask without the image.");
        if (WithoutImage && (spec.FindJudge(requested!.Name) is { SeesImage: false } || requested.Name.EndsWith("-no-image", StringComparison.Ordinal)))
            throw new InputException($"--without-image: judge '{requested.Name}' already judges without the image; name the judge that sees it.");
        if (WithoutImage) requested = requested! with { Name = $"{requested.Name}-no-image" };
        if (ParametersGiven && requested is null)
            throw new InputException("--judge-temperature, --judge-unset and the other parameter flags set a new judge's parameters; pass --judge NAME for it.");
        ModelSettings settings;
        ModelSpec model;
        RunSpec? before = null;
        if (requested is null)
        {
            settings = spec.Judge ?? throw new InputException("no judge; pass --judge NAME.");
            model = RunSpecs.Model(settings, spec.Operations.GetValueOrDefault(settings.Name));
        }
        else
        {
            settings = RunSpecs.Judge(benchmark, requested, Flags, seesImage: !WithoutImage);
            model = requested;
            if (spec.FindJudge(settings.Name) is { } known && known.Model != settings.Model)
                throw new InputException($"{path}: a judge named '{settings.Name}' already judged this run with model {known.Model}; name the new judge differently.");
            // A recorded judge keeps its recorded parameters: flags that would change them would be dropped unseen.
            if (spec.FindJudge(settings.Name) is { } same && ParametersGiven && same.Parameters != settings.Parameters)
            {
                // A judge that stored no readable verdict (one stopped by a refused parameter, say) takes the fixed parameters;
                // one with verdicts keeps those it made them with.
                if (store.Verdicts(settings.Name).Any(v => !v.NeedsRetry))
                    throw new InputException($"{path}: judge '{settings.Name}' is recorded with other parameters and has verdicts made with them; the parameter flags apply to a new judge, so give it another name (a models-file entry).");
                store.WriteSpec(spec with { Judges = [.. spec.Judges.Select(j => j.Name == settings.Name ? settings : j)] });
                await store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.SettingsChanged, settings.Name,
                    $"judge {settings.Name}'s parameters changed before it stored a verdict: {ModelDeviations.Settings(same.Parameters, settings.Parameters)} (was: {ModelDeviations.Settings(settings.Parameters, same.Parameters)})"),
                    cancellationToken).ConfigureAwait(false);
                before = spec;
            }
            else if (spec.FindJudge(settings.Name) is null)
            {
                store.WriteSpec(spec with
                {
                    Judges = [.. spec.Judges, settings],
                    Operations = new Dictionary<string, ModelOperations>(spec.Operations) { [settings.Name] = RunSpecs.Operations(requested) },
                });
                before = spec;
            }
        }
        if (Batch)
            model = model.Provider == ProviderKind.Mock ? throw new InputException($"--batch: {model.Name} is the offline mock model, which has no batch API.") : model with { Batch = true };
        if (spec.Target.Provider == Interchange.RunImport.Provider && requested is null)
            throw new InputException($"{path}: an imported run's judge cannot be asked again; pass --judge NAME for a new judge.");
        return new Applied(model with { KeyFlag = KeyFlag }, settings, before);
    }

    /// <summary>Takes a judge that stored no readable verdict out of the record again: true when it did.</summary>
    public static bool Withdraw(IRunStore store, Applied applied)
    {
        if (applied.Before is null || store.Verdicts(applied.Settings.Name).Any(v => !v.NeedsRetry)) return false;
        store.WriteSpec(applied.Before);
        return true;
    }

    /// <summary>
    /// The models a run recorded (its judges, then its target and captioner) by name, reached and driven as recorded. A
    /// recorded judge keeps its parameters; a model recorded in another role keeps only its endpoint, key and limits,
    /// since its recorded parameters are that role's protocol (a target's top_p and system prompt are not a judge's).
    /// The mock model needs no record.
    /// </summary>
    public static Dictionary<string, ModelSpec> RecordedModels(RunSpec spec)
    {
        var models = new Dictionary<string, ModelSpec>(StringComparer.Ordinal);
        foreach (var (m, judge) in spec.Judges.Select(j => (j, true)).Append((spec.Target, false)).Concat(spec.Captioner is { } c ? [(c, false)] : []))
            if (m.Provider != Interchange.RunImport.Provider && Enum.TryParse<ProviderKind>(m.Provider, out var provider) && provider != ProviderKind.Mock)
                models.TryAdd(m.Name, RunSpecs.Model(m, spec.Operations.GetValueOrDefault(m.Name)) is var model && judge ? model : model with { Defaults = new() });
        return models;
    }
}
