namespace MmSafe.Evals;

/// <summary>
/// How a refused input of a cell is named to the user: as the flag of <c>mmsafe run</c> that gave it
/// (<see cref="Run"/>), or as the field of the evaluation file (<see cref="File"/>). <see cref="CellPlan"/> checks the
/// same things either way; only the words differ.
/// </summary>
public sealed record CellWording
{
    /// <summary>Before ": {name} is the offline mock model, ...": --batch, or the file's batch:.</summary>
    public required string Batch { get; init; }

    /// <summary>No target model was given.</summary>
    public required string NoTarget { get; init; }

    /// <summary>A judged benchmark without a judge, by benchmark name.</summary>
    public required Func<string, string> NeedsJudge { get; init; }

    /// <summary>A samples count the benchmark refuses: (count, why, benchmark).</summary>
    public required Func<int, string, string, string> Samples { get; init; }

    /// <summary>Before ": {why}." when the condition cannot be shown, by condition.</summary>
    public required Func<string, string> Condition { get; init; }

    /// <summary>A captioner given for a condition that shows no description, by condition.</summary>
    public required Func<string, string> CaptionerUnused { get; init; }

    /// <summary>How the user gives a captioner, in a condition's message.</summary>
    public required string CaptionerHint { get; init; }

    /// <summary>The flags of <c>mmsafe run</c>.</summary>
    public static readonly CellWording Run = new()
    {
        Batch = "--batch",
        NoTarget = "no target model; pass --model NAME (or --model mock for an offline dry run).",
        NeedsJudge = bench => $"{bench} needs a judge; pass --judge NAME (or --judge mock).",
        Samples = (n, why, bench) => $"--samples {n}: {why} for {bench}.",
        Condition = condition => $"--condition {condition}",
        CaptionerUnused = condition => $"--captioner writes image descriptions for --condition caption, not {condition}.",
        CaptionerHint = "--captioner NAME",
    };

    /// <summary>The fields of the evaluation file at <paramref name="path"/>, for its cell <paramref name="cell"/> (null: the file as a whole).</summary>
    public static CellWording File(string path, string? cell = null) => new()
    {
        Batch = $"{path}: batch",
        NoTarget = $"{path}: 'models' is missing; expected a list of model names, e.g. models: [gpt4o, qwen2-vl].",
        NeedsJudge = bench => $"{path}: {bench} needs a judge; add 'judges: [NAME]' (or a judges: list to the models file).",
        Samples = (n, why, bench) => $"{path}: {cell}: samples {n}: {why} for {bench}.",
        Condition = condition => $"{path}: {cell}: condition {condition}",
        CaptionerUnused = _ => $"{path}: captioner: writes image descriptions for the caption condition, which conditions: does not list; add caption to conditions: or remove captioner:.",
        CaptionerHint = "'captioner: NAME' in the evaluation file",
    };
}
