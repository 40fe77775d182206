namespace MmSafe.Datasets.Fetch;

/// <summary>What to download for a dataset: the question files (pinned by SHA-256) and where the images come from.</summary>
/// <param name="ImagesArchive">A remote image archive, or null when the user must supply it (SIUO).</param>
/// <param name="ImagesFolder">The folder the images live in under the data root, and inside the archive.</param>
public sealed record FetchPlan(string Benchmark, IReadOnlyList<RemoteFile> Files, RemoteFile? ImagesArchive, string ImagesFolder);
