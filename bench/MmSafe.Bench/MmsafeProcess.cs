using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MmSafe.Bench;

/// <summary>One <c>mmsafe</c> process as it ended: exit code, start and exit (Stopwatch timestamps), CPU and peak RSS, its output.</summary>
public sealed record MmsafeExit(int ExitCode, long Started, long Exited, double CpuMs, double PeakRssMb, string Output, string Error);

/// <summary>
/// Starts the Release build of the CLI as a user starts it (its apphost, <c>mmsafe</c>) and measures it from outside:
/// CPU from the kernel's account of reaped children (<c>getrusage(RUSAGE_CHILDREN)</c>, so the figure is the process's
/// own user + system time, the endpoints being children that have not exited), peak RSS from its <c>VmHWM</c>, read
/// while it runs (the high-water mark only grows).
/// </summary>
public static partial class MmsafeProcess
{
    /// <summary>The Release build of src/MmSafe.Cli next to this bench build, unless <c>--mmsafe PATH</c> names another (a published build, say).</summary>
    public static string AppHost { get; set; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "MmSafe.Cli", "bin", "Release", "net10.0", "mmsafe"));

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(AppHost)) throw new InvalidOperationException($"{AppHost}: build the CLI first (dotnet build -c Release src/MmSafe.Cli)");
        var start = new ProcessStartInfo(AppHost) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["OPENAI_API_KEY"] = "sk-bench";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return start;
    }

    /// <summary>Runs the processes at once and waits for all of them; CPU is their sum, split evenly in the results (the kernel reports it per reaping, not per child).</summary>
    public static async Task<IReadOnlyList<MmsafeExit>> RunAllAsync(IReadOnlyList<ProcessStartInfo> starts)
    {
        var cpuBefore = ChildrenCpuMs();
        var running = starts.Select(RunOneAsync).ToList();
        var exits = await Task.WhenAll(running);
        double cpu = (ChildrenCpuMs() - cpuBefore) / exits.Length;
        return [.. exits.Select(e => e with { CpuMs = cpu })];
    }

    private static async Task<MmsafeExit> RunOneAsync(ProcessStartInfo start)
    {
        await Task.Yield();
        long started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        double peak = 0;
        var exited = process.WaitForExitAsync();
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, HighWaterMb(process.Id));
            await Task.WhenAny(exited, Task.Delay(50));
        }
        long end = Stopwatch.GetTimestamp();
        await exited;
        return new MmsafeExit(process.ExitCode, started, end, 0, peak, await output, await error);
    }

    private static double HighWaterMb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            // it has just exited
        }
        return 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NvCsw, NivCsw;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRUsage(int who, out RUsage usage);

    private static double ChildrenCpuMs()
    {
        const int children = -1;
        if (GetRUsage(children, out var u) != 0) throw new InvalidOperationException("getrusage failed");
        return (u.UserSeconds + u.SystemSeconds) * 1000.0 + (u.UserMicroseconds + u.SystemMicroseconds) / 1000.0;
    }

    /// <summary>Seconds between two Stopwatch timestamps.</summary>
    public static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
}
