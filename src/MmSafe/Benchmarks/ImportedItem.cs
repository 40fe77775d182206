namespace MmSafe.Benchmarks;

/// <summary>
/// One item of results made elsewhere, as a benchmark reads them from its authors' files: the item's id, every answer
/// (null: none was given) and, per aspect, the judge's text for each answer (null: none).
/// </summary>
public sealed record ImportedItem(string Id, IReadOnlyList<string?> Answers, IReadOnlyDictionary<string, IReadOnlyList<string?>> Verdicts);
