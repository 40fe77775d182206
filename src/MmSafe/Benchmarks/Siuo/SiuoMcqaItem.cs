using MmSafe.Datasets;
using MmSafe.Images;

namespace MmSafe.Benchmarks.Siuo;

/// <summary>One SIUO multiple-choice item (<c>siuo_mcqa.json</c>): options A–D and the correct letter.</summary>
public sealed record SiuoMcqaItem(int Id, ImageRef Image, string Question, string Category,
    IReadOnlyDictionary<char, string> Options, char CorrectOption) : IDatasetItem
{
    /// <summary>The option letters, always A, B, C, D.</summary>
    public static readonly IReadOnlyList<char> Letters = ['A', 'B', 'C', 'D'];
}
