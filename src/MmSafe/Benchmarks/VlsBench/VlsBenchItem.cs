using MmSafe.Datasets;
using MmSafe.Images;

namespace MmSafe.Benchmarks.VlsBench;

/// <summary>One VLSBench item (<c>data.json</c>).</summary>
public sealed record VlsBenchItem(int Id, string Instruction, ImageRef Image, string Category,
    string SubCategory, string Source, string ImageDescription, string SafetyReason) : IDatasetItem;
