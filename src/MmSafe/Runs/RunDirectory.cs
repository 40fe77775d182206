using MmSafe.Benchmarks;

namespace MmSafe.Runs;

/// <summary>
/// A run directory held by this process: its lock and its store. A new run writes its spec and samples; an existing
/// one is continued only by a command that would produce the same results, or refused with the differences.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    private readonly RunLock? _lock;

    private RunDirectory(RunLock? runLock, IRunStore store)
    {
        _lock = runLock;
        Store = store;
    }

    public IRunStore Store { get; }

    public RunSpec Spec => Store.ReadSpec()!;

    /// <summary>Starts the run, or continues it when the recorded spec matches <paramref name="requested"/>.</summary>
    /// <param name="remedy">What the user can do when the recorded run differs (the command's own advice).</param>
    public static RunDirectory Start(string directory, RunSpec requested, IReadOnlyList<Sample> samples, string? remedy = null)
    {
        var run = Hold(directory, mustExist: false);
        try
        {
            var existing = run.Store.ReadSpec();
            if (existing is null)
            {
                run.Store.SaveSamples(samples);
                run.Store.WriteSpec(requested);
                return run;
            }
            var differences = existing.Differences(requested);
            if (differences.Count > 0)
                throw new InputException($"{directory}: this run directory holds a run made with other settings ({string.Join("; ", differences)}). " +
                    (remedy ?? $"Use a new --out directory, or 'mmsafe run --resume {directory}' to continue that run as it was recorded."));
            // Concurrency, rate, retry and prices may change between sessions; the record says what the last one used.
            run.Store.WriteSpec(existing with { Operations = requested.Operations, Prices = requested.Prices ?? existing.Prices });
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>Holds an existing run (for resume and judge).</summary>
    public static RunDirectory Open(string directory) => Hold(directory, mustExist: true);

    private static RunDirectory Hold(string directory, bool mustExist)
    {
        // A server store is shared by design: several workers hold it at once, and leases keep them apart.
        if (RunStores.IsServer(directory))
            return new RunDirectory(null, mustExist ? RunStores.OpenExisting(directory) : PostgresRunStore.Open(directory));
        if (mustExist && !SqliteRunStore.Exists(directory))
            throw new InputException($"{directory}: not a run directory (no {SqliteRunStore.FileName}); create one with mmsafe run --out.");
        var runLock = RunLock.Acquire(directory);
        try
        {
            return new RunDirectory(runLock, mustExist ? SqliteRunStore.OpenExisting(directory) : SqliteRunStore.Open(directory));
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Store.Dispose();
        _lock?.Dispose();
    }
}
