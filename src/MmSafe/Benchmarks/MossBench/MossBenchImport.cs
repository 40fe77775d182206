using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MmSafe.Benchmarks.MossBench;

/// <summary>One model's published responses: the model as the file names it, and each pid's response ("" kept as empty, null where the model returned none).</summary>
public sealed record MossBenchResponses(string Model, IReadOnlyList<(string Pid, string? Response)> Responses);

/// <summary>
/// Reads the authors' published response files (<c>published/&lt;model&gt;.data.js</c>): a JavaScript assignment
/// <c>cache['MODEL'] = { "PID": {"response": "…"}, … }</c> with no verdicts, so a run made from one can be judged by any judge.
/// </summary>
public static partial class MossBenchImport
{
    [GeneratedRegex(@"^\s*cache\s*\[\s*(['""])(?<model>.*?)\1\s*\]\s*=\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    /// <summary>Whether <paramref name="file"/> is in this format (by its name: <c>*.data.js</c>).</summary>
    public static bool IsDataJs(string file) => file.EndsWith(".data.js", StringComparison.OrdinalIgnoreCase);

    public static MossBenchResponses Read(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{file}: file not found.", e);
        }
        var head = Assignment().Match(text);
        if (!head.Success) throw new InputException($"{file}: does not start with cache['MODEL'] = {{…}}; expected one of the authors' published .data.js response files.");
        var body = text[head.Length..].TrimEnd().TrimEnd(';');
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new InputException($"{file}: the object after cache['{head.Groups["model"].Value}'] = is not valid JSON (line {e.LineNumber + 1}); expected {{\"PID\": {{\"response\": \"…\"}}, …}}.", e);
        }
        if (root is not JsonObject items || items.Count == 0)
            throw new InputException($"{file}: cache['{head.Groups["model"].Value}'] holds no responses; expected {{\"PID\": {{\"response\": \"…\"}}, …}}.");
        var responses = items.Select(p => (p.Key, p.Value is JsonObject o && o.ContainsKey("response") && o["response"] is null ? null
            : p.Value is JsonObject o2 && o2["response"] is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw new InputException($"{file}: pid {p.Key} has no string 'response'; expected {{\"response\": \"…\"}} (\"\" or null for no answer)."))).ToList();
        return new MossBenchResponses(head.Groups["model"].Value, responses);
    }
}
