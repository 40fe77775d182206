using MmSafe.Datasets;
using MmSafe.Images;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>One SIUO generation item (<c>siuo_gen.json</c>).</summary>
public sealed record SiuoGenItem(int Id, ImageRef Image, string Question, string Category,
    string SafetyWarning, string ReferenceAnswer) : IDatasetItem;
