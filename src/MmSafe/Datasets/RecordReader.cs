using System.Text.Json;

namespace MmSafe.Datasets;

/// <summary>
/// Reads typed fields from one JSON record and writes down, rather than throws, each field
/// that is missing or has the wrong type, so a user sees every problem of a file at once.
/// </summary>
public sealed class RecordReader(string file, int index, JsonElement record, List<DatasetProblem> problems)
{
    public int Index => index;

    public string? Id { get; set; }

    public bool IsObject => record.ValueKind == JsonValueKind.Object;

    public JsonElement Record => record;

    public void Problem(string message) => problems.Add(new DatasetProblem(file, index, Id, message));

    public bool Has(string field) => IsObject && record.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    public string? String(string field, bool allowEmpty = false)
    {
        if (!TryGet(field, "a string", out var value)) return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            Problem($"field '{field}' is {Describe(value)}; expected a string");
            return null;
        }
        var text = value.GetString()!;
        if (!allowEmpty && string.IsNullOrWhiteSpace(text))
        {
            Problem($"field '{field}' is empty; expected a non-empty string");
            return null;
        }
        return text;
    }

    public int? Int(string field)
    {
        if (!TryGet(field, "an integer", out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        Problem($"field '{field}' is {Describe(value)}; expected an integer");
        return null;
    }

    public JsonElement? Object(string field)
    {
        if (!TryGet(field, "an object", out var value)) return null;
        if (value.ValueKind == JsonValueKind.Object) return value;
        Problem($"field '{field}' is {Describe(value)}; expected an object");
        return null;
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private bool TryGet(string field, string expected, out JsonElement value)
    {
        value = default;
        if (!IsObject)
        {
            Problem($"record is {Describe(record)}; expected an object");
            return false;
        }
        if (record.TryGetProperty(field, out value)) return true;
        Problem($"field '{field}' is missing; expected {expected}");
        return false;
    }
}
