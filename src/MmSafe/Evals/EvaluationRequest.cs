using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Evals;

/// <summary>
/// What an <see cref="Evaluation"/> runs: its cells (each a run location with the spec it must match), the models that
/// ask, the budget with its prices, the response cache and how many cells run at once. A flag-driven run is one cell, a
/// resumed run one cell opened as recorded, <c>judge</c> one cell without generation, an evaluation file many cells.
/// </summary>
/// <param name="Cells">The cells, in the order their results are returned.</param>
public sealed record EvaluationRequest(IReadOnlyList<EvaluationCell> Cells)
{
    /// <summary>Models by name, shared by every cell that names them (one client each: its concurrency, rate limit and
    /// replicas hold across cells); a model not given here is driven as its cell's run records it.</summary>
    public IReadOnlyList<ModelSpec> Models { get; init; } = [];

    /// <summary>This session's prices (recorded in a cell opened as recorded); null: each run's recorded prices.</summary>
    public IReadOnlyDictionary<string, Price>? Prices { get; init; }

    /// <summary>Where the prices come from, as the user named it: a file, or "the run's recorded prices".</summary>
    public string PricesSource { get; init; } = "the run's recorded prices";

    /// <summary>A hard stop for this session, across every cell.</summary>
    public BudgetLimit? Budget { get; init; }

    /// <summary>How a dollar budget without prices is refused, in the words of the command that gave it.</summary>
    public BudgetWording BudgetWording { get; init; } = BudgetWording.Run;

    /// <summary>The response cache: a file, "off", or null for the one the first cell recorded (else the default).</summary>
    public string? Cache { get; init; }

    /// <summary>Whether the targets are asked (false: <c>judge</c>, judging stored answers only).</summary>
    public bool Generate { get; init; } = true;

    /// <summary>Ask again where a judge declined or was filtered.</summary>
    public bool RetryDeclined { get; init; }

    /// <summary>Seconds between asking whether a batch has ended, when not the default.</summary>
    public TimeSpan? BatchPoll { get; init; }

    /// <summary>Cells at once.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary><c>drop_refused_parameters</c>: refused sampling parameters left unset in every cell of their model.</summary>
    public ParameterDrops? Drops { get; init; }
}

/// <summary>One cell: a run location, and either the spec it must match (a new run, or one continued) or none (open it as recorded).</summary>
/// <param name="Name">How messages and progress name it.</param>
/// <param name="Location">A run directory or a <c>postgresql://</c> run.</param>
public sealed record EvaluationCell(string Name, string Location)
{
    /// <summary>The spec to start with (or to match); null opens an existing run with its recorded spec.</summary>
    public RunSpec? Spec { get; init; }

    /// <summary>The selected samples a new run stores.</summary>
    public IReadOnlyList<Sample> Samples { get; init; } = [];

    /// <summary>What the user can do when the recorded run differs from <see cref="Spec"/>.</summary>
    public string? Remedy { get; init; }

    /// <summary>How the models the run records are driven this session, when the request does not name them.</summary>
    public ModelDrive Drive { get; init; } = ModelDrive.AsRecorded;

    /// <summary>A judge added to (or re-parameterised in) the run before it is judged; only this judge asks.</summary>
    public JudgeAddition? Judge { get; init; }
}
