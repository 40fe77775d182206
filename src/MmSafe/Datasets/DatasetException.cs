namespace MmSafe.Datasets;

/// <summary>A dataset that failed validation. Carries every problem found, not just the first.</summary>
public sealed class DatasetException : InputException
{
    public DatasetException(IReadOnlyList<DatasetProblem> problems)
        : base(Summarise(problems)) => Problems = problems;

    public IReadOnlyList<DatasetProblem> Problems { get; }

    private static string Summarise(IReadOnlyList<DatasetProblem> problems) =>
        problems.Count == 1
            ? problems[0].ToString()
            : $"{problems[0]} (and {problems.Count - 1} more problem{(problems.Count == 2 ? "" : "s")} in this dataset)";
}
