using MmSafe.Benchmarks;

namespace MmSafe.Tests.Benchmarks;

/// <summary>The test benchmark's data root: <c>overrefusal.json</c> and the images it names. No public source.</summary>
public sealed class OverRefusalTestData : IBenchmarkData
{
    public const string FileName = "overrefusal.json";

    public static readonly OverRefusalTestData Instance = new();

    public string Name => "test-overrefusal-data";

    public string Title => "TestOverRefusal";

    public string Description => $"a test over-refusal data root ({FileName}, images/)";

    public IReadOnlyList<string> QuestionFiles => [FileName];

    public IReadOnlyList<DataSummary> Check(string root) =>
        File.Exists(Path.Combine(root, FileName)) ? [DataSummary.Of("Test over-refusal", new OverRefusalTestBenchmark().Load(root))] : [];
}
