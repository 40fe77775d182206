using MmSafe.Benchmarks;

namespace MmSafe.Runs.Stores;

/// <summary>
/// A run directory held by this process: its lock and its store. A new run writes its spec and samples; an existing
/// one is continued only by a command that would produce the same results, or refused with the differences (unless it
/// holds no result yet: then it takes the new settings, recorded as an event).
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
        SpecJson.Prepare(requested);
        var run = Hold(directory, mustExist: false);
        try
        {
            Diagnostics.PhaseTrace.Mark("store opened");
            var existing = run.Store.ReadSpec();
            if (existing is null)
            {
                run.Store.SaveSamples(samples);
                Diagnostics.PhaseTrace.Mark("samples written");
                run.Store.WriteSpec(requested);
                return run;
            }
            var differences = existing.Differences(requested);
            if (differences.Count > 0 && !HoldsResults(run.Store) && existing.Selection.SampleIds.SequenceEqual(requested.Selection.SampleIds))
            {
                // Nothing was computed under the old settings (a run stopped by its first request, say by a refused
                // parameter): the directory takes the new ones, and says so.
                run.Store.WriteSpec(requested);
                run.Store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.SettingsChanged, "",
                    $"settings changed before any result was stored: {string.Join("; ", differences)}")).GetAwaiter().GetResult();
                return run;
            }
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

    /// <summary>Whether the store holds anything computed under its settings: an answer, a verdict, a caption or a batch.</summary>
    public static bool HoldsResults(IRunStore store) =>
        store.Answers().Count > 0 || store.Verdicts().Count > 0 || store.Captions().Count > 0 || store.Batches().Count > 0;

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
