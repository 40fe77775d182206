using System.Globalization;

namespace MmSafe.Bench;

/// <summary>K <c>mmsafe</c> processes on one run: how long from the first start to the last exit, and what the endpoints received.</summary>
public sealed record ProcessesRow(int Workers, double Seconds, double RatioToIdeal, double? Speedup, long RequestsReceived, double CpuMsPerRequest, IReadOnlyList<int> ExitCodes);

public sealed record ProcessesResult(int Items, int Concurrency, double LatencyMs, double OneWorkerIdealSeconds, int RequestsNeeded, IReadOnlyList<ProcessesRow> Rows, bool Complete);

/// <summary>
/// Horizontal scaling as users do it: K real <c>mmsafe run vlsbench --out postgresql://…</c> processes started at once on
/// the same new run (each its own pool, lease holder and client stack at concurrency C, as K pods would be), against
/// loopback endpoints slow enough that the run is bound by latency. K processes should take 1/K of one's time, and the
/// endpoints should receive each request once: 2·N in all.
/// </summary>
public static class ProcessesRun
{
    public static async Task<ProcessesResult> RunAsync(EndpointProcess target, EndpointProcess judge, int items, int concurrency, TimeSpan latency, int imageBytes,
        string workDir, string store, IReadOnlyList<int> workers)
    {
        var data = PipelineRun.WriteDataset(Path.Combine(workDir, "data"), items, imageBytes);
        string c = concurrency.ToString(CultureInfo.InvariantCulture);
        IEnumerable<string> Args(string location) =>
        [
            "run", "vlsbench", "--data", data, "--model", "bench-target", "--base-url", target.Url.ToString(), "--judge", "bench-judge",
            "--judge-base-url", judge.Url.ToString(), "--out", location, "--cache", "off", "--concurrency", c, "--judge-concurrency", c,
        ];
        var rows = new List<ProcessesRow>();
        double? one = null;
        foreach (int k in workers)
        {
            var location = $"{store.TrimEnd('/')}/processes-{Environment.ProcessId}-{k}";
            var exits = await MmsafeProcess.RunAllAsync([.. Enumerable.Range(0, k).Select(_ => MmsafeProcess.StartInfo(Args(location)))]);
            var (t, j) = (await target.TakeStatsAsync(), await judge.TakeStatsAsync());
            double seconds = MmsafeProcess.Seconds(exits.Min(e => e.Started), exits.Max(e => e.Exited));
            one ??= k == 1 ? seconds : null;
            long received = t.Requests + j.Requests;
            var row = new ProcessesRow(k, seconds, seconds / (items * latency.TotalSeconds / concurrency / k), one is { } o ? o / seconds : null, received,
                exits.Sum(e => e.CpuMs) / Math.Max(1, received), [.. exits.Select(e => e.ExitCode)]);
            rows.Add(row);
            Console.Error.WriteLine(FormattableString.Invariant(
                $"  {k} processes: {seconds:F2} s ({row.RatioToIdeal:F3}x their ideal), speed-up {(row.Speedup is { } up ? $"{up:F2}x" : "(no 1-process row)")}, {received} requests received, exits {string.Join(",", row.ExitCodes)}"));
            foreach (var e in exits.Where(e => e.ExitCode != 0)) Console.Error.WriteLine(e.Error);
            // With MMSAFE_TRACE=1 in the harness's environment (the processes inherit it), each process's phases, from its start.
            foreach (var e in exits)
                Console.Error.Write(string.Concat(e.Error.Split('\n').Where(l => l.StartsWith("trace", StringComparison.Ordinal))
                    .Select(l => FormattableString.Invariant($"    [{MmsafeProcess.Seconds(exits.Min(x => x.Started), e.Started):F2} s] {l}\n"))));
        }
        return new ProcessesResult(items, concurrency, latency.TotalMilliseconds, items * latency.TotalSeconds / concurrency, 2 * items, rows,
            rows.All(r => r.RequestsReceived == 2 * items && r.ExitCodes.All(e => e == 0)));
    }
}
