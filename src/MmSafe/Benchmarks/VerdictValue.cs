using System.Text.Json.Nodes;
using MmSafe.Judging;

namespace MmSafe.Benchmarks;

/// <summary>
/// A stored judge reply as a benchmark's scorer reads it, for exports: the parsed value (SIUO's <c>safe</c>, its
/// effectiveness grade, VLSBench's label, MOSSBench's score), or null with the reason it could not be read.
/// </summary>
public sealed record VerdictValue(JsonObject? Value, string? Problem)
{
    /// <summary>The reply read by <paramref name="parse"/> through <see cref="Outcomes.Parse{T}"/>, the scorer's own path, shown by <paramref name="show"/>.</summary>
    public static VerdictValue Read<T>(StoredVerdict verdict, Func<string?, ParseOutcome<T>> parse, Func<T, JsonObject> show) where T : struct
    {
        var parsed = Outcomes.Parse(verdict, parse);
        return parsed.Value is { } value ? new VerdictValue(show(value), null) : new VerdictValue(null, parsed.Reason);
    }

    /// <summary>An aspect the benchmark does not know.</summary>
    public static VerdictValue Unknown(string aspect) => new(null, $"no aspect '{aspect}' in this benchmark");
}
