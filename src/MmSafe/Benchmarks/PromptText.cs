using System.Reflection;

namespace MmSafe.Benchmarks;

/// <summary>
/// The authors' prompt texts, verbatim (see PROMPTS-NOTICE.md), embedded from each benchmark's folder and filled with
/// <c>string.Replace</c> as the authors do. A <c>.txt</c> file in a folder under Benchmarks/ is embedded by its file name.
/// </summary>
public static class PromptText
{
    /// <summary>The embedded prompt <paramref name="fileName"/> (e.g. "vlsbench-judge.txt") of <paramref name="assembly"/>
    /// (default: the library's).</summary>
    public static string Load(string fileName, Assembly? assembly = null)
    {
        assembly ??= typeof(PromptText).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith("." + fileName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"embedded prompt {fileName} is missing from {assembly.GetName().Name}");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
