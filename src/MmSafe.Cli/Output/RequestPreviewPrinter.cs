using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Runs.Pipeline;

namespace MmSafe.Cli.Output;

/// <summary>
/// <c>run --preview</c>: each request as text (who, where, the parameters, every message with its images described) or as
/// JSON (the bodies as they would be sent, images described). Prompt text is the dataset's: every line is shown plain.
/// </summary>
public static class RequestPreviewPrinter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly HashSet<string> NotParameters = ["model", "messages", "system"];

    public static void WriteJson(CliConsole console, IReadOnlyList<PreviewRequest> requests) => console.WriteRaw(JsonSerializer.Serialize(requests, Json));

    public static void WriteText(CliConsole console, IReadOnlyList<PreviewRequest> requests, string placeholder)
    {
        foreach (var r in requests)
        {
            var what = r.Role == "judge" ? $"judge request ({r.Aspect}, about the placeholder answer \"{placeholder}\")" : $"target request{(r.Sample is { } k ? $" (answer #{k + 1})" : "")}";
            Line(console, "", $"{what}: POST {r.Url}, model {r.Model}");
            var parameters = r.Body.Where(p => !NotParameters.Contains(p.Key)).Select(p => $"{p.Key} {p.Value?.ToJsonString() ?? "null"}").ToList();
            Line(console, "  ", $"parameters: {(parameters.Count == 0 ? "none sent (the server's defaults)" : string.Join(", ", parameters))}");
            if (r.Body["system"] is JsonValue system) Message(console, "system", system.GetValue<string>());
            foreach (var message in r.Body["messages"]?.AsArray() ?? [])
            {
                var role = message?["role"]?.GetValue<string>() ?? "?";
                if (message?["content"] is JsonValue text) Message(console, role, text.GetValue<string>());
                else foreach (var (part, i) in (message?["content"]?.AsArray() ?? []).Select((p, i) => (p, i))) Message(console, i == 0 ? role : "", Part(part));
            }
            console.WriteRaw("");
        }
    }

    // A text part's text, or an image part's description (OpenAI: image_url.url; Anthropic: source.data).
    private static string Part(JsonNode? part) => part?["type"]?.GetValue<string>() switch
    {
        "text" => part["text"]?.GetValue<string>() ?? "",
        "image_url" => part["image_url"]?["url"]?.GetValue<string>() ?? "<image>",
        "image" => part["source"]?["data"]?.GetValue<string>() ?? "<image>",
        var other => $"<{other} part>",
    };

    private static void Message(CliConsole console, string role, string text)
    {
        var lines = text.Split('\n');
        Line(console, "  ", role.Length == 0 ? $"{new string(' ', 2)}{lines[0]}" : $"{role}: {lines[0]}");
        foreach (var line in lines.Skip(1)) Line(console, "    ", line);
    }

    private static void Line(CliConsole console, string indent, string text) => console.WriteRaw(indent + CliConsole.Plain(text));
}
