using System.Text.Json.Serialization;

namespace MmSafe.Runs;

/// <summary>A model as recorded in a manifest: everything about it except its key.</summary>
public sealed record ModelRecord(string Name, string Provider, string Model, string? BaseUrl, string ApiKeyEnv,
    double? Temperature, double? TopP, int? MaxTokens, long? Seed, string? SystemPrompt);

/// <summary>What a run is: the benchmark, the exact dataset, the models and the versions. Written once, checked on resume.</summary>
public sealed record RunManifest(
    string Benchmark,
    string DatasetFile,
    string DatasetSha256,
    ModelRecord Target,
    ModelRecord? Judge,
    int Samples,
    IReadOnlyList<ItemRecord> Items,
    string ToolVersion,
    string ProtocolVersion,
    DateTimeOffset CreatedAt)
{
    [JsonIgnore]
    public bool IsMock => Target.Provider == "Mock" || Judge?.Provider == "Mock";
}
