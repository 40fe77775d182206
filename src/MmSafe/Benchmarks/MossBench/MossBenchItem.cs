using MmSafe.Datasets;
using MmSafe.Images;

namespace MmSafe.Benchmarks.MossBench;

/// <summary>
/// One MOSSBench item (<c>images_information/information.json</c>): its pid, question, image, over-sensitivity type
/// (<c>metadata.over</c>, as its label) and the oracle <c>description</c> of the image (the caption condition shows it).
/// </summary>
public sealed record MossBenchItem(int Id, string Question, ImageRef Image, string Category, string Description) : IDatasetItem;

/// <summary>The three over-sensitivity types of <c>metadata.over</c> and their names in the paper.</summary>
public static class MossBenchTypes
{
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        ["type 1"] = "Exaggerated Risk", ["type 2"] = "Negated Harm", ["type 3"] = "Counterintuitive Interpretation",
    };
}
