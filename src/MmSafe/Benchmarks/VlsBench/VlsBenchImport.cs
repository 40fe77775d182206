using System.Text.Json;

namespace MmSafe.Benchmarks.VlsBench;

/// <summary>The judge texts in VLSBench results for <c>import</c>: every label our export adds, the authors' <c>safe_label</c>, or a judge text.</summary>
internal static class VlsBenchImport
{
    public static IEnumerable<(string Aspect, IReadOnlyList<string?> Texts)> Verdicts(JsonElement r)
    {
        if (r.TryGetProperty(VlsBenchResultsFile.AllLabels, out var labels) && labels.ValueKind == JsonValueKind.Array)
            yield return ("label", [.. labels.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Number
                ? JsonSerializer.Serialize(new { label = l.GetInt32(), label_str = VlsBenchLabels.FromNumber(l.GetInt32())?.Text() })
                : null)]);
        else if (r.TryGetProperty("safe_label", out var label))
            yield return ("label", [label.ValueKind == JsonValueKind.Number
                ? JsonSerializer.Serialize(new { label = label.GetInt32(), label_str = ResultRecords.Text(r, "label_str") })
                : label.ValueKind == JsonValueKind.Object ? label.GetRawText() : null]);
        else if (ResultRecords.Text(r, "evaluation") is { } evaluation) yield return ("label", [evaluation]);
    }
}
