using System.Globalization;

namespace MmSafe.Bench;

/// <summary>One timed <c>mmsafe run vlsbench</c> process: its phases seen from outside, and what it cost.</summary>
public sealed record CommandTiming(double WholeSeconds, double StartupSeconds, double SendingSeconds, double DrainSeconds, double RatioToIdeal,
    double CpuMsPerRequest, double PeakRssMb, long Requests, int ExitCode);

/// <summary>The median of three runs of the command, and the three runs.</summary>
public sealed record CommandResult(int Items, int Requests, int Concurrency, double LatencyMs, int ImageBytes, double IdealSeconds, CommandTiming Median,
    IReadOnlyList<CommandTiming> Runs, bool Complete);

/// <summary>
/// The real <c>mmsafe run vlsbench</c> process (the Release build's apphost, as a user starts it) on a full synthetic
/// VLSBench, target and judge on two loopback endpoints (separate processes) at concurrency C each. Timed from outside:
/// start-up is process start to the first request an endpoint received, drain is the last reply an endpoint wrote to
/// process exit, whole is start to exit against one stage's N·L/C. A warm-up run of 2·C items in its own directory
/// comes first (page cache, disk); each measured run has a new directory, so each starts a new run.
/// </summary>
public static class CommandRun
{
    public static async Task<CommandResult> RunAsync(EndpointProcess target, EndpointProcess judge, int items, int concurrency, TimeSpan latency, int imageBytes,
        string workDir, int repeats, bool trace)
    {
        var data = PipelineRun.WriteDataset(Path.Combine(workDir, "data"), items, imageBytes);
        IEnumerable<string> Args(string name, int? limit) =>
            new[] { "run", "vlsbench", "--data", data, "--model", "bench-target", "--base-url", target.Url.ToString(), "--judge", "bench-judge",
                "--judge-base-url", judge.Url.ToString(), "--out", Path.Combine(workDir, name), "--cache", "off",
                "--concurrency", Str(concurrency), "--judge-concurrency", Str(concurrency) }
            .Concat(limit is { } l ? ["--limit", Str(l)] : []);
        var environment = trace ? new Dictionary<string, string> { ["MMSAFE_TRACE"] = "1" } : null;

        var warm = (await MmsafeProcess.RunAllAsync([MmsafeProcess.StartInfo(Args("warmup", 2 * concurrency), environment)]))[0];
        if (warm.ExitCode != 0) throw new InvalidOperationException($"the warm-up run exited {warm.ExitCode}: {warm.Error}");
        await target.TakeStatsAsync();
        await judge.TakeStatsAsync();

        double ideal = items * latency.TotalSeconds / concurrency;
        var runs = new List<CommandTiming>();
        for (int i = 0; i < repeats; i++)
        {
            var exit = (await MmsafeProcess.RunAllAsync([MmsafeProcess.StartInfo(Args($"run{i}", null), environment)]))[0];
            var (t, j) = (await target.TakeStatsAsync(), await judge.TakeStatsAsync());
            long requests = t.Requests + j.Requests;
            long first = Math.Min(t.First, j.First == 0 ? long.MaxValue : j.First), lastReply = Math.Max(t.LastReply, j.LastReply);
            double whole = MmsafeProcess.Seconds(exit.Started, exit.Exited);
            var timing = new CommandTiming(whole, MmsafeProcess.Seconds(exit.Started, first), MmsafeProcess.Seconds(first, lastReply),
                MmsafeProcess.Seconds(lastReply, exit.Exited), whole / ideal, exit.CpuMs / Math.Max(1, requests), exit.PeakRssMb, requests, exit.ExitCode);
            runs.Add(timing);
            Console.Error.WriteLine(FormattableString.Invariant(
                $"  run {i + 1}: whole {timing.WholeSeconds:F2} s ({timing.RatioToIdeal:F3}x), start-up {timing.StartupSeconds:F3} s, drain {timing.DrainSeconds:F3} s, CPU {timing.CpuMsPerRequest:F3} ms/request, peak RSS {timing.PeakRssMb:F0} MB, {requests} requests, exit {exit.ExitCode}"));
            if (trace) Console.Error.Write(string.Join("", exit.Error.Split('\n').Where(l => l.StartsWith("trace", StringComparison.Ordinal)).Select(l => "    " + l + "\n")));
            if (exit.ExitCode != 0) Console.Error.WriteLine(exit.Error);
        }
        var median = new CommandTiming(Median(runs, r => r.WholeSeconds), Median(runs, r => r.StartupSeconds), Median(runs, r => r.SendingSeconds),
            Median(runs, r => r.DrainSeconds), Median(runs, r => r.RatioToIdeal), Median(runs, r => r.CpuMsPerRequest), Median(runs, r => r.PeakRssMb),
            runs[0].Requests, runs.Max(r => r.ExitCode));
        return new CommandResult(items, 2 * items, concurrency, latency.TotalMilliseconds, imageBytes, ideal, median, runs,
            runs.All(r => r.ExitCode == 0 && r.Requests == 2 * items));
    }

    /// <summary>Each figure's own median (the median run of one figure need not be the median run of another).</summary>
    public static double Median<T>(IReadOnlyList<T> runs, Func<T, double> figure)
    {
        var sorted = runs.Select(figure).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
