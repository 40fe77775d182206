using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Diagnostics;
using MmSafe.Reports;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Models;
using MmSafe.Runs;

namespace MmSafe.Bench;

/// <summary>The wall time of one run in the PostgreSQL store done by 1 and by K workers, and what it paid.</summary>
public sealed record WorkersResult(int Items, int Workers, int Concurrency, double LatencyMs, double OneWorkerSeconds, double WorkersSeconds, double Speedup,
    double IdealSpeedup, int RequestsMade, int RequestsNeeded, bool Complete);

/// <summary>
/// Horizontal scaling through the shared store: the same synthetic VLSBench run done once by one worker and once by K
/// workers (each its own store connection, lease holder and client stack at concurrency C, as K pods would be),
/// against loopback endpoints slow enough (2 s) that the run is bound by latency, not by the 2-vCPU machine. K workers
/// should take 1/K of the time, and together make each request once.
/// </summary>
public static class WorkersRun
{
    public static async Task<WorkersResult> RunAsync(Uri targetUrl, Uri judgeUrl, int items, int concurrency, TimeSpan latency, int imageBytes, string workDir, string store, int workers)
    {
        var data = PipelineRun.WriteDataset(Path.Combine(workDir, "data"), items, imageBytes);
        var benchmark = new VlsBenchBenchmark();
        var target = new ModelSpec("bench-target", ProviderKind.OpenAI, "bench") { BaseUrl = targetUrl, ApiKeyEnv = "MMSAFE_BENCH_KEY", Concurrency = concurrency };
        var judge = new ModelSpec("bench-judge", ProviderKind.OpenAI, "bench") { BaseUrl = judgeUrl, ApiKeyEnv = "MMSAFE_BENCH_KEY", Concurrency = concurrency };
        var dataset = benchmark.Load(data);
        var (selection, samples) = SampleSelection.Apply(dataset, null, null, null);
        var spec = RunSpecs.Create(benchmark, dataset, selection, 1, target, null, judge, null);

        async Task<(double Seconds, int Made, bool Complete)> TimedAsync(string name, int k)
        {
            var location = $"{store.TrimEnd('/')}/workers-{Environment.ProcessId}-{name}";
            using (RunDirectory.Start(location, spec, samples)) { }
            var clock = Stopwatch.StartNew();
            var made = await Task.WhenAll(Enumerable.Range(0, k).Select(async _ =>
            {
                using var run = RunDirectory.Start(location, spec, samples);
                var factory = new ModelClientFactory(environment: _ => "sk-bench");
                var (t, j) = (factory.Create(target), factory.Create(judge));
                await new RunPipeline(run.Store, run.Spec, t, [j]).RunAsync();
                return (int)(t.Usage.Snapshot().Requests + j.Usage.Snapshot().Requests);
            }));
            clock.Stop();
            using var check = RunStores.OpenRead(location);
            return (clock.Elapsed.TotalSeconds, made.Sum(), RunScoring.Score(check.Read()).Completeness.IsComplete);
        }

        var one = await TimedAsync("one", 1);
        var many = await TimedAsync("many", workers);
        Console.Error.WriteLine(FormattableString.Invariant($"  1 worker {one.Seconds:F2} s, {workers} workers {many.Seconds:F2} s"));
        return new WorkersResult(items, workers, concurrency, latency.TotalMilliseconds, one.Seconds, many.Seconds, one.Seconds / many.Seconds, workers,
            many.Made, 2 * items, one.Complete && many.Complete && many.Made == 2 * items);
    }
}
