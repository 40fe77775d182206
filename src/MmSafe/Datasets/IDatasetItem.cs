using MmSafe.Images;

namespace MmSafe.Datasets;

/// <summary>What every benchmark item has: an id, a category and one image.</summary>
public interface IDatasetItem
{
    int Id { get; }

    string Category { get; }

    ImageRef Image { get; }
}
