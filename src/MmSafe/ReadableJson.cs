using System.Text.Encodings.Web;
using System.Text.Json;

namespace MmSafe;

/// <summary>
/// JSON for people and programs to read: "vlsbench/2024.11+mmsafe.2" stays as typed instead of "\u002B", and so do
/// non-ASCII letters. Control characters are still escaped, so hostile text cannot drive a terminal. None of this is
/// for HTML: with relaxed escaping <c>&lt;</c> and <c>&gt;</c> pass as they are, so JSON embedded in a page must use
/// the default encoder (or be HTML-encoded) instead.
/// </summary>
public static class ReadableJson
{
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Indented, for files and <c>--json</c> outputs.</summary>
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true, Encoder = Encoder };

    /// <summary>On one line, for values quoted in messages.</summary>
    public static JsonSerializerOptions Compact { get; } = new() { Encoder = Encoder };
}
