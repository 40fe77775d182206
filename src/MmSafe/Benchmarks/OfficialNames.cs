using System.Globalization;
using System.Text.Json.Nodes;

namespace MmSafe.Benchmarks;

/// <summary>Helpers for writing the authors' file formats.</summary>
public static class OfficialNames
{
    /// <summary>A model name made safe for a file name.</summary>
    public static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));

    /// <summary>The id as the authors' files hold it: an integer where it is one.</summary>
    public static JsonNode Id(string id) => int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(id);
}
