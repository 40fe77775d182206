using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using MmSafe.Reports;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Bench;

/// <summary>The measured figures of one full pipeline run.</summary>
public sealed record PipelineResult(int Items, int Requests, int Concurrency, double LatencyMs, int ImageBytes, double WallSeconds, double IdealSeconds,
    double RatioToIdeal, double CpuMsPerRequest, double PeakRssMb, int ScoredItems, bool Complete);

/// <summary>
/// A full VLSBench run through the library's <see cref="RunPipeline"/> exactly as <c>mmsafe run</c> drives it: a
/// synthetic dataset of N items with distinct images on disk, the target and the judge on two loopback endpoints
/// (separate processes) with a fixed latency, concurrency C each, a SQLite run store. The ideal time of one stage
/// is N·L/C; a pipeline that judges each answer as it arrives approaches it, where two stages in a row take twice.
/// </summary>
public static class PipelineRun
{
    /// <param name="store">A PostgreSQL location (postgresql://USER@HOST:PORT/DATABASE) to keep the runs in instead of SQLite run directories.</param>
    public static async Task<PipelineResult> RunAsync(Uri targetUrl, Uri judgeUrl, int items, int concurrency, TimeSpan latency, int imageBytes, string workDir, string? store = null)
    {
        string Place(string name) => store is null ? Path.Combine(workDir, name) : $"{store.TrimEnd('/')}/bench-{Environment.ProcessId}-{name}";
        var data = WriteDataset(Path.Combine(workDir, "data"), items, imageBytes);
        var benchmark = new VlsBenchBenchmark();
        var target = new ModelSpec("bench-target", ProviderKind.OpenAI, "bench") { BaseUrl = targetUrl, ApiKeyEnv = "MMSAFE_BENCH_KEY", Concurrency = concurrency };
        var judge = new ModelSpec("bench-judge", ProviderKind.OpenAI, "bench") { BaseUrl = judgeUrl, ApiKeyEnv = "MMSAFE_BENCH_KEY", Concurrency = concurrency };
        var dataset = benchmark.Load(data);

        // Warm-up (JIT, connections) on the first 2·C items in a run directory of its own; not measured.
        await OneRunAsync(benchmark, dataset, target, judge, Place("warmup"), 2 * concurrency);

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var score = await OneRunAsync(benchmark, dataset, target, judge, Place("run"), null);
        clock.Stop();
        process.Refresh();
        int requests = 2 * items;
        double ideal = items * latency.TotalSeconds / concurrency;
        return new PipelineResult(items, requests, concurrency, latency.TotalMilliseconds, imageBytes, clock.Elapsed.TotalSeconds, ideal, clock.Elapsed.TotalSeconds / ideal,
            (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / requests, ThroughputRun.PeakRssMb(), score.Completeness.ScoredItems, score.Completeness.IsComplete);
    }

    private static async Task<RunScore> OneRunAsync(VlsBenchBenchmark benchmark, MmSafe.Benchmarks.BenchmarkData dataset, ModelSpec target, ModelSpec judge,
        string directory, int? limit)
    {
        var (selection, samples) = SampleSelection.Apply(dataset, limit, null, null);
        var spec = RunSpecs.Create(benchmark, dataset, selection, 1, target, null, judge, null);
        using var run = RunDirectory.Start(directory, spec, samples);
        var factory = new ModelClientFactory(environment: _ => "sk-bench");
        var clock = Stopwatch.StartNew();
        await new RunPipeline(run.Store, run.Spec, factory.Create(target), [factory.Create(judge)]).RunAsync();
        var pipeline = clock.Elapsed;
        var score = RunScoring.Score(run.Store.Read());
        Console.Error.WriteLine(FormattableString.Invariant($"  setup+pipeline {pipeline.TotalSeconds:F2} s, scoring from the store {(clock.Elapsed - pipeline).TotalSeconds:F2} s"));
        return score;
    }

    // data.json in the official layout, and one distinct image per item: a PNG header followed by noise.
    internal static string WriteDataset(string root, int items, int imageBytes)
    {
        Directory.CreateDirectory(Path.Combine(root, "imgs"));
        var noise = new byte[imageBytes];
        new Random(7).NextBytes(noise);
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        signature.CopyTo(noise);
        BinaryPrimitives.WriteInt32BigEndian(noise.AsSpan(16), 640);
        BinaryPrimitives.WriteInt32BigEndian(noise.AsSpan(20), 480);
        var records = new List<object>();
        for (int i = 0; i < items; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(noise.AsSpan(40), i);
            File.WriteAllBytes(Path.Combine(root, "imgs", $"{i}.png"), noise);
            records.Add(new Dictionary<string, object>
            {
                ["instruction_id"] = i, ["instruction"] = $"What should I do with this, item {i}?", ["image_path"] = $"imgs/{i}.png",
                ["category"] = $"category {i % 6}", ["sub_category"] = $"sub-category {i % 19}", ["source"] = "bench",
                ["image_description"] = "noise", ["safety_reason"] = "none",
            });
        }
        File.WriteAllText(Path.Combine(root, "data.json"), JsonSerializer.Serialize(records));
        return root;
    }
}
