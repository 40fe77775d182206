using MmSafe.Models;

namespace MmSafe.Evals;

/// <summary>Which models of a session go through a provider's batch API: the <c>judge</c>, <c>target</c> or <c>all</c> choice, applied.</summary>
public static class ModelBatching
{
    /// <summary>Whether the targets and the judges are batched under <paramref name="choice"/> (judge, target, all or null).</summary>
    public static (bool Target, bool Judges) Roles(string? choice) => (choice is "target" or "all", choice is "judge" or "all");

    /// <summary>
    /// The model with its batch setting: <paramref name="on"/> when given, else as it was; only providers with a batch API
    /// may use one. <paramref name="source"/> names where the choice was made (--batch, or the file's batch:).
    /// </summary>
    public static ModelSpec Apply(ModelSpec model, bool? on, string source)
    {
        if (on is not { } batch) return model;
        if (batch && model.Provider == ProviderKind.Mock) throw new InputException($"{source}: {model.Name} is the offline mock model, which has no batch API.");
        return model with { Batch = batch };
    }

    /// <summary>Seconds between asking whether a batch has ended, from the --batch-poll flag; null: the default.</summary>
    public static TimeSpan? Poll(double? seconds) => seconds switch
    {
        <= 0 and var poll => throw new InputException($"--batch-poll must be more than 0 seconds, not {poll}."),
        { } s => TimeSpan.FromSeconds(s),
        null => null,
    };
}
