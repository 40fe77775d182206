namespace MmSafe.Datasets;

/// <summary>Records read from a results file, with notes the user should see (not errors).</summary>
public sealed record ImportedFile<T>(string File, IReadOnlyList<T> Items, IReadOnlyList<string> Warnings);
