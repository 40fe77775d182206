using System.Diagnostics;
using System.Globalization;

namespace MmSafe.Diagnostics;

/// <summary>
/// Opt-in timestamps of a command's phases, for finding where start-up and shutdown go: with <c>MMSAFE_TRACE=1</c>
/// each <see cref="Mark"/> writes one line to stderr, "trace T ms (+D ms) cpu C ms PHASE", T counted from the process's start
/// as the kernel recorded it, D from the previous mark, and the process's CPU time so far (robust to a loaded machine,
/// where wall times stretch). Off by default; then a mark costs one field read.
/// </summary>
public static class PhaseTrace
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("MMSAFE_TRACE") == "1";
    private static readonly Lock Gate = new();
    private static long _previous;
    private static readonly HashSet<string> Once = [];

    /// <summary>Whether marks are written.</summary>
    public static bool IsEnabled => Enabled;

    /// <summary>Writes the phase that has just been reached, if tracing is on.</summary>
    public static void Mark(string phase)
    {
        if (!Enabled) return;
        long now = Stopwatch.GetTimestamp();
        using var self = Process.GetCurrentProcess();
        double sinceStart = (DateTime.Now - self.StartTime).TotalMilliseconds, cpu = self.TotalProcessorTime.TotalMilliseconds;
        lock (Gate)
        {
            double sincePrevious = _previous == 0 ? 0 : Stopwatch.GetElapsedTime(_previous, now).TotalMilliseconds;
            _previous = now;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trace {sinceStart,8:F1} ms (+{sincePrevious,7:F1} ms) cpu {cpu,7:F0} ms {phase}"));
        }
    }

    /// <summary>Marks a phase the first time it is reached only (the first request, the first reply).</summary>
    public static void MarkOnce(string phase)
    {
        if (!Enabled) return;
        lock (Gate)
            if (!Once.Add(phase)) return;
        Mark(phase);
    }
}
