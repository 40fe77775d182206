using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Runs;

namespace MmSafe.Interchange;

/// <summary>A model as a JSONL line records it: the spec's settings, every value sent, in snake_case; the key's variable name, never its value.</summary>
internal static class JsonlModels
{
    private static readonly JsonSerializerOptions Options = new(ReadableJson.Compact) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static JsonObject Settings(ModelSettings model)
    {
        var node = JsonSerializer.SerializeToNode(model with { ExtraBody = null }, Options)!.AsObject();
        // Effective values never leave a parameter "unset" (only override layers do); the provider's fields go as an object.
        node["parameters"]!.AsObject().Remove("unset");
        node["extra_body"] = model.ExtraBody is { } body ? JsonNode.Parse(body) : null;
        node.Remove("is_mock");
        node.Remove("is_imported");
        return node;
    }
}
