namespace MmSafe.Datasets;

/// <summary>A validated benchmark file: its items in file order, where it came from and its hash.</summary>
public sealed record Dataset<T>(string File, string Root, string Sha256, IReadOnlyList<T> Items) where T : IDatasetItem
{
    public int Count => Items.Count;

    /// <summary>Things worth knowing that are not errors, e.g. an official item with an empty instruction.</summary>
    public IReadOnlyList<DatasetProblem> Notes { get; init; } = [];

    /// <summary>Category names in order of first appearance.</summary>
    public IReadOnlyList<string> Categories => [.. Items.Select(i => i.Category).Distinct()];

    /// <summary>Checks that every image exists, stays in the data root and is a supported image.</summary>
    public ImageCheckReport CheckImages() => ImageCheckReport.Run(Root, Items.Select(i => i.Image));
}
