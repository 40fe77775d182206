namespace MmSafe.Runs;

/// <summary>
/// How a dollar budget that cannot be counted is refused, in the words of whatever gave it: the <c>--budget</c> flag of a
/// run, or the <c>budget:</c> of an evaluation file. The check itself is <see cref="BudgetLimit.Require"/>.
/// </summary>
/// <param name="NoPrices">The whole message when no prices were given.</param>
/// <param name="Unpriced">Before the models without a price.</param>
/// <param name="Tokens">After them: the budget in tokens instead.</param>
/// <param name="Source">Where the prices were given, when the caller names none.</param>
public sealed record BudgetWording(string NoPrices, string Unpriced, string Tokens, string Source)
{
    /// <summary>The <c>--budget</c> and <c>--prices</c> flags of <c>mmsafe run</c>.</summary>
    public static readonly BudgetWording Run = new(
        "--budget in dollars needs --prices FILE with a price for every model of the run (or give the budget in tokens, e.g. 200000tokens).",
        "--budget in dollars needs a price for every model of the run: ", "; or give the budget in tokens, e.g. 200000tokens.", "--prices");

    /// <summary>The <c>budget:</c> and <c>prices:</c> of the evaluation file at <paramref name="path"/>.</summary>
    public static BudgetWording EvalFile(string path) => new(
        $"{path}: a budget in dollars needs prices: with a price for every model of the evaluation (or give it in tokens, e.g. 2000000tokens).",
        $"{path}: a budget in dollars needs a price for every model of the evaluation: ", "; or give it in tokens, e.g. 2000000tokens.", "prices:");
}
