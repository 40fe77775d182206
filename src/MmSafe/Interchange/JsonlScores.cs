using System.Text.Json.Nodes;
using MmSafe.Scoring;

namespace MmSafe.Interchange;

/// <summary>An item's stored score as a JSONL export writes it: whose, whether it counted, each metric's value, the counters and why.</summary>
internal static class JsonlScores
{
    public static JsonObject Item(string? judge, ItemScore score) => new()
    {
        ["judge"] = judge, ["scored"] = score.Scored,
        ["values"] = new JsonObject([.. score.Values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)(v.Value is { } b ? JsonValue.Create(b) : null)))]),
        ["counts"] = new JsonObject([.. score.Counts.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))]),
        ["diagnostics"] = new JsonArray([.. score.Diagnostics.Select(d => (JsonNode?)d)]),
    };

    /// <summary>What the scorer read from answer <paramref name="sample"/> without a judge (SIUO multiple choice's option letter), by aspect.</summary>
    public static JsonObject? Reading(ItemScore score, int sample) =>
        score.Answers.FirstOrDefault(r => r.Sample == sample) is { } reading
            ? new JsonObject([.. reading.Aspects.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))])
            : null;
}
