using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MmSafe.Judging;

/// <summary>Shared handling of raw judge text: normalisation and finding an embedded JSON object.</summary>
public static partial class JudgeText
{
    /// <summary>NFKC, as the SIUO authors apply to every judge reply, so full-width and
    /// compatibility characters read like their plain forms.</summary>
    public static string Normalise(string text) => text.Normalize(NormalizationForm.FormKC);

    /// <summary>
    /// Finds the first JSON object in <paramref name="text"/>: a fenced <c>```json</c> block,
    /// the whole text, or the first balanced <c>{…}</c> that parses. Returns null when none does.
    /// </summary>
    public static JsonElement? FindJsonObject(string text)
    {
        foreach (Match fence in FencedBlock().Matches(text))
            if (TryParseObject(fence.Groups["body"].Value) is { } fenced) return fenced;
        for (int start = text.IndexOf('{'); start >= 0; start = text.IndexOf('{', start + 1))
        {
            int end = MatchingBrace(text, start);
            if (end > start && TryParseObject(text[start..(end + 1)]) is { } found) return found;
        }
        return null;
    }

    private static JsonElement? TryParseObject(string candidate)
    {
        try
        {
            using var document = JsonDocument.Parse(candidate, new JsonDocumentOptions { AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Brace matching that skips braces inside JSON strings.
    private static int MatchingBrace(string text, int start)
    {
        int depth = 0;
        bool inString = false;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            }
            else if (c == '"') inString = true;
            else if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }

    /// <summary>The first property whose name, lower-cased with spaces and dashes as underscores, is one of <paramref name="names"/>.</summary>
    public static JsonElement? Property(JsonElement obj, params string[] names)
    {
        foreach (var property in obj.EnumerateObject())
        {
            var key = property.Name.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
            if (names.Contains(key)) return property.Value;
        }
        return null;
    }

    [GeneratedRegex(@"```(?:json|JSON)?[ \t]*\r?\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
