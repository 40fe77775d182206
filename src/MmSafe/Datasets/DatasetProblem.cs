namespace MmSafe.Datasets;

/// <summary>One thing wrong with a dataset file, located by file, record index and id.</summary>
public sealed record DatasetProblem(string File, int? Index, string? Id, string Message)
{
    public override string ToString() => InputException.Describe(File, Index, Id, Message);
}
