using MmSafe.Runs.Stores;
using MmSafe.Models;
using MmSafe.Models.Providers;
using MmSafe.Runs;

namespace MmSafe.Evals;

/// <summary>
/// An evaluation's <c>drop_refused_parameters</c>: the sampling parameters (temperature, top_p, seed) each model's
/// endpoint refused, left unset in every cell of that model and recorded in the cell's spec, where the deviations
/// show them. Drops recorded by an earlier session are read back, so running the file again resumes without asking.
/// </summary>
public sealed class ParameterDrops
{
    private readonly Dictionary<string, List<string>> _byModel = new(StringComparer.Ordinal);

    /// <summary>Starts from the drops recorded in <paramref name="recorded"/> (the specs of cells an earlier session made).</summary>
    public ParameterDrops(IEnumerable<RunSpec> recorded)
    {
        foreach (var model in recorded.SelectMany(s => s.Judges.Prepend(s.Target)))
            foreach (var parameter in model.Dropped ?? [])
                Add(model.Name, parameter);
    }

    /// <summary>The parameters dropped for a model, in the order they were refused.</summary>
    public IReadOnlyList<string> Of(string model)
    {
        lock (_byModel) return _byModel.TryGetValue(model, out var list) ? [.. list] : [];
    }

    /// <summary>
    /// Takes a refusal as a drop when it refuses a sampling parameter of a known model: true when the parameter is
    /// dropped now (false when it was already, or when the refusal is not one to drop).
    /// </summary>
    public bool TryAdd(ModelRequestException refusal) =>
        refusal is { Kind: ModelErrorKind.RefusedParameter, Parameter: { } parameter, ModelName: { } model }
        && RefusedParameters.Sampling.Contains(parameter) && Add(model, parameter);

    /// <summary>Whether a refusal is one that <c>drop_refused_parameters</c> would take (a sampling parameter of a known model).</summary>
    public static bool Droppable(ModelRequestException refusal) =>
        refusal is { Kind: ModelErrorKind.RefusedParameter, Parameter: { } parameter, ModelName: not null } && RefusedParameters.Sampling.Contains(parameter);

    /// <summary>The spec with every model's drops applied: the parameter unset and listed in <see cref="ModelSettings.Dropped"/>.</summary>
    public RunSpec Apply(RunSpec spec) => spec with { Target = Apply(spec.Target), Judges = [.. spec.Judges.Select(Apply)] };

    /// <summary>
    /// Brings a cell's recorded spec up to the drops known now and records it, unless the cell holds results a dropped
    /// model gave under its recorded settings (those stay as they were made). Returns the spec the cell runs with.
    /// </summary>
    public RunSpec Adopt(IRunStore store, RunSpec recorded)
    {
        var updated = Apply(recorded);
        var changed = Changed(recorded, updated).ToList();
        if (changed.Count == 0 || changed.Any(name => Answered(store, recorded, name))) return recorded;
        store.WriteSpec(updated);
        return updated;
    }

    private bool Add(string model, string parameter)
    {
        lock (_byModel)
        {
            if (!_byModel.TryGetValue(model, out var list)) _byModel[model] = list = [];
            if (list.Contains(parameter)) return false;
            list.Add(parameter);
            return true;
        }
    }

    /// <summary>
    /// The spec a cell is started with when the file is run again: <paramref name="requested"/> with the drops applied,
    /// except for a model whose <paramref name="recorded"/> settings are those it had before the drop (the cell was made,
    /// and perhaps finished, before the refusal came): that model keeps its record, which <see cref="Adopt"/> brings
    /// up to the drops later when the cell holds nothing that model made with the parameter.
    /// </summary>
    public RunSpec Resume(RunSpec requested, RunSpec? recorded)
    {
        var applied = Apply(requested);
        if (recorded is null) return applied;
        ModelSettings Keep(ModelSettings before, ModelSettings after, ModelSettings? record) => record is not null && record == before ? before : after;
        return applied with
        {
            Target = Keep(requested.Target, applied.Target, recorded.Target),
            Judges = [.. requested.Judges.Zip(applied.Judges, (before, after) => Keep(before, after, recorded.FindJudge(before.Name)))],
        };
    }

    private ModelSettings Apply(ModelSettings model)
    {
        // Only a parameter the model would send is dropped: a cell whose protocol never sends it is untouched.
        var drops = Of(model.Name).Where(p => Sends(model.Parameters, p) || model.Dropped?.Contains(p) == true).ToList();
        if (drops.Count == 0 || model.Dropped is { } recorded && drops.All(recorded.Contains)) return model;
        var all = (model.Dropped ?? []).Union(drops).ToList();
        return model with { Parameters = model.Parameters.With(new GenerationParameters(Unset: all)), Dropped = all };
    }

    private static bool Sends(GenerationParameters parameters, string name) => name switch
    {
        "temperature" => parameters.Temperature is not null,
        "top_p" => parameters.TopP is not null,
        "seed" => parameters.Seed is not null,
        _ => false,
    };

    private static IEnumerable<string> Changed(RunSpec before, RunSpec after) =>
        before.Judges.Prepend(before.Target).Zip(after.Judges.Prepend(after.Target)).Where(p => p.First != p.Second).Select(p => p.First.Name);

    // Results under the old settings: an answer of the target, or a verdict of the judge, that is not a failure to ask again.
    private static bool Answered(IRunStore store, RunSpec spec, string model) =>
        (spec.Target.Name == model && store.Answers().Any(a => !a.NeedsRetry))
        || (spec.FindJudge(model) is not null && store.Verdicts(model).Any(v => !v.NeedsRetry));
}
