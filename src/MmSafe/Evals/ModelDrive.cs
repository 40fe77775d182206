using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Evals;

/// <summary>
/// How a model a run records is driven this session: the flag that names its key variable (for messages), a concurrency
/// and batch choice that may differ from the record, and where it was configured (so a refusal names the line to change).
/// </summary>
public sealed record ModelDrive
{
    public static readonly ModelDrive AsRecorded = new();

    /// <summary>The key flag by role ("target", "judge", "captioner").</summary>
    public IReadOnlyDictionary<string, string> KeyFlags { get; init; } = new Dictionary<string, string>();

    /// <summary>Concurrency by role, when given for this session.</summary>
    public IReadOnlyDictionary<string, int> Concurrency { get; init; } = new Dictionary<string, int>();

    /// <summary>The batch choice by role, when given for this session.</summary>
    public IReadOnlyDictionary<string, bool> Batch { get; init; } = new Dictionary<string, bool>();

    /// <summary>Where each model (by name) was configured.</summary>
    public IReadOnlyDictionary<string, string?> Origins { get; init; } = new Dictionary<string, string?>();

    /// <summary>The model exactly as <paramref name="spec"/> records it, driven as this session says.</summary>
    public ModelSpec Model(RunSpec spec, ModelSettings settings, string role)
    {
        var model = RunSpecs.Model(settings, spec.Operations.GetValueOrDefault(settings.Name));
        if (KeyFlags.TryGetValue(role, out var flag)) model = model with { KeyFlag = flag };
        if (Concurrency.TryGetValue(role, out var c)) model = model with { Concurrency = c };
        if (Batch.TryGetValue(role, out var batch)) model = ModelBatching.Apply(model, batch, "--batch");
        if (Origins.TryGetValue(settings.Name, out var origin)) model = model with { Origin = origin };
        return model;
    }
}
