using System.Text.Json;
using System.Text.Json.Nodes;

namespace MmSafe.Benchmarks.MossBench;

/// <summary>One pid of a judged results file: the response, the refusal score (null when unreadable or not judged) and the judge's text.</summary>
public sealed record MossBenchJudged(string Pid, string? Response, int? Score, string? Evaluation);

/// <summary>
/// The judged results file `mmsafe export --format official` writes for MOSSBench (the authors' evaluation output: the
/// published responses' shape, each pid with its <c>score</c> and the judge's <c>evaluation</c>), read back by
/// <c>score</c> and <c>import</c>.
/// </summary>
public static class MossBenchJudgedFile
{
    public static IReadOnlyList<MossBenchJudged> Read(string file)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(file));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{file}: file not found.", e);
        }
        catch (JsonException e)
        {
            throw new InputException($"{file}: not valid JSON (line {e.LineNumber + 1}); expected {{\"PID\": {{\"response\": …, \"score\": 0|1, \"evaluation\": …}}, …}}.", e);
        }
        if (root is not JsonObject items || items.Count == 0)
            throw new InputException($"{file}: expected a JSON object keyed by pid, each {{\"response\": …, \"score\": 0|1|null, \"evaluation\": …}}.");
        return [.. items.Select(p => p.Value is JsonObject o && o.ContainsKey("score")
            ? new MossBenchJudged(p.Key, Text(file, p.Key, o, "response"), Score(file, p.Key, o["score"]), Text(file, p.Key, o, "evaluation"))
            : throw new InputException($"{file}: pid {p.Key} has no 'score'; expected {{\"response\": …, \"score\": 0|1|null, \"evaluation\": …}} (an unjudged file imports as the authors' published .data.js)."))];
    }

    private static string? Text(string file, string pid, JsonObject item, string name) => item[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new InputException($"{file}: pid {pid}: '{name}' is not a string or null."),
    };

    private static int? Score(string file, string pid, JsonNode? score) => score switch
    {
        null => null,
        JsonValue v when v.TryGetValue<int>(out var n) && n is 0 or 1 => n,
        _ => throw new InputException($"{file}: pid {pid}: 'score' is {score.ToJsonString()}; expected 0 (compliance), 1 (refusal) or null."),
    };
}
