using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Interchange;

/// <summary>
/// The field table of docs/JSONL.md, read from the document, so the documentation and the export cannot drift: every
/// field of a line must be in the table with its type, and every required one present.
/// </summary>
internal sealed class JsonlSchema
{
    private sealed record Row(string Path, IReadOnlyList<string> Types, bool Required);

    private readonly Dictionary<string, Row> _rows;

    private JsonlSchema(IEnumerable<Row> rows) => _rows = rows.ToDictionary(r => r.Path);

    public int Count => _rows.Count;

    public static JsonlSchema FromDocs()
    {
        var lines = File.ReadAllLines(Path.Combine(SampleData.Root, "docs", "JSONL.md"));
        var table = lines.SkipWhile(l => l != "## Fields").TakeWhile(l => !l.StartsWith("### ", StringComparison.Ordinal));
        return new JsonlSchema(table.Where(l => l.StartsWith("| `", StringComparison.Ordinal)).Select(l =>
        {
            var cells = l.Split('|').Select(c => c.Trim()).ToArray();
            return new Row(cells[1].Trim('`'), [.. cells[2].Split(" or ").Select(t => t.Trim())], cells[3] == "yes");
        }));
    }

    /// <summary>Every problem of one line against the table, as "path: problem"; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(JsonObject line)
    {
        var problems = new List<string>();
        CheckObject(line, "", "", problems);
        return problems;
    }

    // at: where in the line (for messages); doc: the table's path prefix (judges[] is checked against model).
    private void CheckObject(JsonObject node, string at, string doc, List<string> problems)
    {
        string Child(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";
        // An object whose keys vary (no rows below it) is not looked into.
        if (doc.Length > 0 && !_rows.Keys.Any(k => k.StartsWith(doc + ".", StringComparison.Ordinal))) return;
        foreach (var (key, value) in node)
        {
            if (!_rows.TryGetValue(Child(doc, key), out var row)) { problems.Add($"{Child(at, key)}: not in docs/JSONL.md"); continue; }
            CheckValue(value, row.Types, Child(at, key), Child(doc, key), problems);
        }
        foreach (var row in _rows.Values.Where(r => r.Required && Parent(r.Path) == doc && !node.ContainsKey(Last(r.Path))))
            problems.Add($"{Child(at, Last(row.Path))}: required but absent");
    }

    private void CheckValue(JsonNode? value, IReadOnlyList<string> types, string at, string doc, List<string> problems)
    {
        if (value is null) { if (!types.Contains("null")) problems.Add($"{at}: null, documented as {string.Join(" or ", types)}"); return; }
        var type = types.FirstOrDefault(t => Fits(value, t));
        if (type is null) { problems.Add($"{at}: {value.GetValueKind()} {Short(value)}, documented as {string.Join(" or ", types)}"); return; }
        if (type == "model") CheckObject(value.AsObject(), at, "model", problems);
        else if (type == "object") CheckObject(value.AsObject(), at, doc, problems);
        else if (type.StartsWith("array of ", StringComparison.Ordinal))
        {
            var element = type["array of ".Length..];
            int i = 0;
            foreach (var item in value.AsArray()) CheckValue(item, [element], $"{at}[{i++}]", doc + "[]", problems);
        }
    }

    private static bool Fits(JsonNode value, string type) => type switch
    {
        "string" => value.GetValueKind() == System.Text.Json.JsonValueKind.String,
        "integer" => value.GetValueKind() == System.Text.Json.JsonValueKind.Number && value.ToJsonString().All(c => char.IsAsciiDigit(c) || c == '-'),
        "number" => value.GetValueKind() == System.Text.Json.JsonValueKind.Number,
        "boolean" => value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
        "object" or "model" => value is JsonObject,
        _ when type.StartsWith("array of ", StringComparison.Ordinal) => value is JsonArray,
        _ => false,
    };

    private static string Short(JsonNode value) => value.ToJsonString() is { Length: > 40 } s ? s[..40] + "…" : value.ToJsonString();

    private static string Parent(string path) => path.LastIndexOf('.') is var i and >= 0 ? path[..i] : "";

    private static string Last(string path) => path[(path.LastIndexOf('.') + 1)..];
}
