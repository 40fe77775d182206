using System.Security.Cryptography;
using System.Text.Json;

namespace MmSafe.Datasets;

/// <summary>A JSON file holding an array of records, read once, with its SHA-256.</summary>
public sealed class JsonRecordFile : IDisposable
{
    private readonly JsonDocument _document;

    private JsonRecordFile(string path, JsonDocument document, string sha256)
    {
        Path = path;
        _document = document;
        Sha256 = sha256;
    }

    public string Path { get; }

    public string Sha256 { get; }

    public JsonElement Root => _document.RootElement;

    /// <summary>Opens and parses a JSON file; a missing file or malformed JSON is an <see cref="InputException"/>.</summary>
    public static JsonRecordFile Open(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{path}: file not found.", e);
        }
        try
        {
            var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return new JsonRecordFile(path, document, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?", "")}", e);
        }
    }

    /// <summary>The records of a file whose top level is an array.</summary>
    public IReadOnlyList<JsonElement> Records(string expected = "a JSON array of records")
    {
        if (Root.ValueKind != JsonValueKind.Array)
            throw new InputException($"{Path}: the top level is a JSON {Root.ValueKind.ToString().ToLowerInvariant()}; expected {expected}.");
        return [.. Root.EnumerateArray()];
    }

    public void Dispose() => _document.Dispose();
}
