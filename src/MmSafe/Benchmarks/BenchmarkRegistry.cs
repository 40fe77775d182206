using System.Collections.Immutable;
using MmSafe.Benchmarks.MossBench;
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

    // Registrations seen only by the async flow that made them (tests in parallel, a host running one evaluation).
    private static readonly AsyncLocal<(ImmutableList<IBenchmark> Benchmarks, ImmutableList<IBenchmarkData> Data)?> Local = new();

    private static IEnumerable<IBenchmark> BuiltIn() => [new SiuoGenBenchmark(), new SiuoMcqaBenchmark(), new VlsBenchBenchmark(),
        new MossBenchBenchmark(contrast: false), new MossBenchBenchmark(contrast: true)];

    static BenchmarkRegistry()
    {
        foreach (var benchmark in BuiltIn()) Register(benchmark);
    }

    /// <summary>Every benchmark, built-in ones first, then those registered, in order.</summary>
    public static IReadOnlyList<IBenchmark> All => Local.Value is { } local ? _all.AddRange(local.Benchmarks) : _all;

    public static IReadOnlyList<string> Names => [.. All.Select(b => b.Name)];

    /// <summary>The names for a help text: "siuo-gen, siuo-mcqa or vlsbench".</summary>
    public static string NamesText => Listed(Names);

    /// <summary>"a, b or c": a list in running text.</summary>
    public static string Listed(IReadOnlyList<string> names) =>
        names.Count < 2 ? string.Join("", names) : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";

    /// <summary>Every dataset a registered benchmark reads (or registered alone), in order.</summary>
    public static IReadOnlyList<IBenchmarkData> Datasets => Local.Value is { } local ? _data.AddRange(local.Data) : _data;

    public static IBenchmark? Find(string name) => All.FirstOrDefault(b => b.Name == name);

    public static IBenchmark Get(string name) => Find(name)
        ?? throw new InputException($"unknown benchmark '{name}'; expected one of {string.Join(", ", Names)}.");

    public static IBenchmarkData? FindData(string name) => Datasets.FirstOrDefault(d => d.Name == name);

    public static IBenchmarkData GetData(string name) => FindData(name)
        ?? throw new InputException($"unknown dataset '{name}'; expected one of {string.Join(", ", Datasets.Select(d => d.Name))}.");

    /// <summary>
    /// Adds a benchmark, its dataset and its mock replies. Registering one of the same type under the same name again is a
    /// no-op (tests in parallel may each register theirs); another type under a name already taken is a bug and throws.
    /// </summary>
    public static void Register(IBenchmark benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        lock (Gate)
        {
            if (Taken(benchmark)) return;
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
            if (!Taken(data)) _data = _data.Add(data);
        }
    }

    /// <summary>
    /// Adds a benchmark (and its dataset) for the calling async flow only, until the result is disposed: what tests
    /// running in parallel use, so one test's benchmark never shows up in another's lists and messages. The same rules as
    /// <see cref="Register(IBenchmark)"/>: the same type again is a no-op, another type under a taken name throws.
    /// </summary>
    public static IDisposable RegisterLocal(IBenchmark benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        var before = Local.Value;
        if (Taken(benchmark)) return new Restore(before);
        var (benchmarks, data) = before ?? ([], []);
        if (benchmark.Data is { } d && !Taken(d)) data = data.Add(d);
        MockReplies.Register(benchmark.Name, benchmark.MockReply);
        Local.Value = (benchmarks.Add(benchmark), data);
        return new Restore(before);
    }

    // True when the name is already this type's (nothing to do); throws when another type holds it.
    private static bool Taken(IBenchmark benchmark) =>
        Find(benchmark.Name) is { } existing && (existing.GetType() == benchmark.GetType()
            ? true : throw new InvalidOperationException($"benchmark name '{benchmark.Name}' is taken by {existing.GetType().FullName}; give {benchmark.GetType().FullName} another name."));

    private static bool Taken(IBenchmarkData data) =>
        FindData(data.Name) is { } existing && (existing.GetType() == data.GetType()
            ? true : throw new InvalidOperationException($"dataset name '{data.Name}' is taken by {existing.GetType().FullName}; give {data.GetType().FullName} another name."));

    private sealed class Restore((ImmutableList<IBenchmark>, ImmutableList<IBenchmarkData>)? before) : IDisposable
    {
        public void Dispose() => Local.Value = before;
    }
}
