using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Runs;

namespace MmSafe.Cli.Output;

/// <summary>
/// Progress without a terminal (a batch job's log, a pipe): no bars, but one line per stage every
/// <see cref="Interval"/> while it moves, and one when it ends, with done/total, failures and elapsed time.
/// </summary>
public sealed class LogRunProgress(CliConsole console) : IRunProgress
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly List<LogStage> _stages = [];
    private readonly DateTime _start = DateTime.UtcNow;

    public IRunStage Stage(string name, string model, int total, int done)
    {
        var stage = new LogStage(this, name, total, done);
        lock (_stages) _stages.Add(stage);
        return stage;
    }

    private void Report(LogStage s, string state) =>
        console.Error($"{s.Name}: {s.Done:N0}/{s.Total:N0}{(s.Failed > 0 ? $", {s.Failed:N0} failed" : "")} {state} ({DateTime.UtcNow - _start:hh\\:mm\\:ss})");

    public static async Task RunAsync(CliConsole console, Func<IRunProgress, Task> work)
    {
        var progress = new LogRunProgress(console);
        using var stop = new CancellationTokenSource();
        var ticker = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
                lock (progress._stages)
                    foreach (var s in progress._stages.Where(s => !s.Ended && s.Moved())) progress.Report(s, "so far");
        });
        try
        {
            await work(progress);
        }
        finally
        {
            stop.Cancel();
            try { await ticker; } catch (OperationCanceledException) { }
            lock (progress._stages)
                foreach (var s in progress._stages.Where(s => !s.Ended)) progress.Report(s, s.Done >= s.Total ? "done" : "stopped");
        }
    }

    private sealed class LogStage(LogRunProgress owner, string name, int total, int done) : IRunStage
    {
        private int _done = done, _total = total, _failed, _reported = -1;

        public string Name => name;
        public int Done => Volatile.Read(ref _done);
        public int Total => Volatile.Read(ref _total);
        public int Failed => Volatile.Read(ref _failed);
        public bool Ended { get; private set; }

        public bool Moved() => Interlocked.Exchange(ref _reported, Done) != Done;

        public void Advance(bool failed)
        {
            if (failed) Interlocked.Increment(ref _failed);
            if (Interlocked.Increment(ref _done) == Total) End();
        }

        public void Resize(int delta)
        {
            Interlocked.Add(ref _total, delta);
            if (Done >= Total && Total > 0) End();
        }

        private void End()
        {
            lock (owner._stages)
            {
                if (Ended) return;
                Ended = true;
                owner.Report(this, "done");
            }
        }
    }
}
