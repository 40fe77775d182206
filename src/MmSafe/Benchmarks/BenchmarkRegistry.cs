using System.Collections.Immutable;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Models.Providers;

namespace MmSafe.Benchmarks;

/// <summary>
/// The only list of benchmarks and their datasets: adding one is a folder with an <see cref="IBenchmark"/> (and its
/// <see cref="IBenchmarkData"/>) and a line in <see cref="BuiltIn"/>, or a <see cref="Register(IBenchmark)"/> call from
/// outside the library. Everything else (data fetch and check, import, the mock model, help texts, the published
/// table) asks the registry. The list is process-wide and only grows; it is safe from any thread.
/// </summary>
public static class BenchmarkRegistry
{
    private static readonly Lock Gate = new();
    private static ImmutableList<IBenchmark> _all = [];
    private static ImmutableList<IBenchmarkData> _data = [];

    private static IEnumerable<IBenchmark> BuiltIn() => [new SiuoGenBenchmark(), new SiuoMcqaBenchmark(), new VlsBenchBenchmark()];

    static BenchmarkRegistry()
    {
        foreach (var benchmark in BuiltIn()) Register(benchmark);
    }

    /// <summary>Every benchmark, built-in ones first, then those registered, in order.</summary>
    public static IReadOnlyList<IBenchmark> All => _all;

    public static IReadOnlyList<string> Names => [.. _all.Select(b => b.Name)];

    /// <summary>The names for a help text: "siuo-gen, siuo-mcqa or vlsbench".</summary>
    public static string NamesText => Names.Count < 2 ? string.Join("", Names) : $"{string.Join(", ", Names.Take(Names.Count - 1))} or {Names[^1]}";

    /// <summary>Every dataset a registered benchmark reads (or registered alone), in order.</summary>
    public static IReadOnlyList<IBenchmarkData> Datasets => _data;

    public static IBenchmark? Find(string name) => _all.FirstOrDefault(b => b.Name == name);

    public static IBenchmark Get(string name) => Find(name)
        ?? throw new InputException($"unknown benchmark '{name}'; expected one of {string.Join(", ", Names)}.");

    public static IBenchmarkData? FindData(string name) => _data.FirstOrDefault(d => d.Name == name);

    public static IBenchmarkData GetData(string name) => FindData(name)
        ?? throw new InputException($"unknown dataset '{name}'; expected one of {string.Join(", ", _data.Select(d => d.Name))}.");

    /// <summary>
    /// Adds a benchmark, its dataset and its mock replies. Registering one of the same type under the same name again is a
    /// no-op (tests in parallel may each register theirs); another type under a name already taken is a bug and throws.
    /// </summary>
    public static void Register(IBenchmark benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        lock (Gate)
        {
            if (Find(benchmark.Name) is { } existing)
            {
                if (existing.GetType() == benchmark.GetType()) return;
                throw new InvalidOperationException($"benchmark name '{benchmark.Name}' is taken by {existing.GetType().FullName}; give {benchmark.GetType().FullName} another name.");
            }
            if (benchmark.Data is { } data) Register(data);
            MockReplies.Register(benchmark.Name, benchmark.MockReply);
            _all = _all.Add(benchmark);
        }
    }

    /// <summary>Adds a dataset (once by name; another type under a name already taken throws).</summary>
    public static void Register(IBenchmarkData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        lock (Gate)
        {
            if (FindData(data.Name) is { } existing)
            {
                if (existing.GetType() == data.GetType()) return;
                throw new InvalidOperationException($"dataset name '{data.Name}' is taken by {existing.GetType().FullName}; give {data.GetType().FullName} another name.");
            }
            _data = _data.Add(data);
        }
    }
}
