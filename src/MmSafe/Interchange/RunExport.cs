using System.Text.Json;
using MmSafe.Runs;

namespace MmSafe.Interchange;

/// <summary>
/// Writes a run in the authors' file formats (each benchmark knows its own, so their scripts read it) or as JSONL,
/// one self-contained line per item. Both read the store alone.
/// </summary>
public static class RunExport
{
    private static readonly JsonSerializerOptions Indented = ReadableJson.Indented;

    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Official(RunContents run, string directory, string? judge = null)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var file in run.Benchmark.Official(run.Answered, judge ?? run.Spec.Judge?.Name))
        {
            var path = Path.Combine(directory, file.Name);
            File.WriteAllText(path, file.Content.ToJsonString(Indented));
            written.Add(path);
        }
        return written;
    }

    /// <summary>One self-contained JSON line per item (docs/JSONL.md); see <see cref="JsonlExport"/>.</summary>
    public static string Jsonl(RunContents run, string path) => JsonlExport.Write(run, path);
}
