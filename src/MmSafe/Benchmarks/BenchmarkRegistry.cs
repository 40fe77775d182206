using MmSafe.Benchmarks.MossBench;
using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;

namespace MmSafe.Benchmarks;

/// <summary>The only list of benchmarks: adding one is a folder with an <see cref="IBenchmark"/> and a line here.</summary>
public static class BenchmarkRegistry
{
    public static readonly IReadOnlyList<IBenchmark> All = [new SiuoGenBenchmark(), new SiuoMcqaBenchmark(), new VlsBenchBenchmark(),
        new MossBenchBenchmark(contrast: false), new MossBenchBenchmark(contrast: true)];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(b => b.Name)];

    public static IBenchmark? Find(string name) => All.FirstOrDefault(b => b.Name == name);

    public static IBenchmark Get(string name) => Find(name)
        ?? throw new InputException($"unknown benchmark '{name}'; expected one of {string.Join(", ", Names)}.");
}
