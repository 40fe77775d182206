using MmSafe.Benchmarks;
using MmSafe.Scoring;

namespace MmSafe.Runs.Stores;

/// <summary>
/// A run's source of truth: its spec, its samples (the inputs), every answer, every judge reply, every sample's
/// score and the events that changed how it ran. Each result is committed as it arrives. The embedded
/// implementation is SQLite (<see cref="SqliteRunStore"/>); a server-backed store can hand out work to several
/// processes through <see cref="ClaimAsync"/>.
/// </summary>
public interface IRunStore : IDisposable
{
    /// <summary>Where the store lives, for messages.</summary>
    string Location { get; }

    RunSpec? ReadSpec();

    void WriteSpec(RunSpec spec);

    void SaveSamples(IReadOnlyList<Sample> samples);

    IReadOnlyList<Sample> Samples();

    Task SaveAsync(StoredAnswer answer, CancellationToken cancellationToken = default);

    Task SaveAsync(StoredVerdict verdict, CancellationToken cancellationToken = default);

    Task SaveScoreAsync(string judge, ItemScore score, CancellationToken cancellationToken = default);

    Task SaveAsync(RunEvent runEvent, CancellationToken cancellationToken = default);

    IReadOnlyList<StoredAnswer> Answers();

    IReadOnlyList<StoredVerdict> Verdicts(string? judge = null);

    /// <summary>Stored sample scores by judge ("" for a benchmark without a judge).</summary>
    IReadOnlyDictionary<string, IReadOnlyList<ItemScore>> Scores();

    IReadOnlyList<RunEvent> Events();

    /// <summary>Stores the caption a captioning model wrote for a sample's image (the caption condition), once.</summary>
    Task SaveCaptionAsync(string sampleId, string identity, string caption, CancellationToken cancellationToken = default);

    /// <summary>Captions by sample id.</summary>
    IReadOnlyDictionary<string, string> Captions();

    /// <summary>Records a batch (or its new status), replacing the record of the same id.</summary>
    Task SaveBatchAsync(StoredBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Every batch recorded, oldest first.</summary>
    IReadOnlyList<StoredBatch> Batches();

    /// <summary>
    /// Of the samples still to do, at most <paramref name="max"/> this process may work on now, in the order given; none
    /// when every one is leased to another live worker. The embedded store, held by one process, grants the first ones.
    /// A server store leases them to this process until <see cref="ReleaseAsync"/>, or until the lease runs out because
    /// the process died.
    /// </summary>
    Task<IReadOnlyList<string>> ClaimAsync(IReadOnlyList<string> pending, int max, CancellationToken cancellationToken = default);

    /// <summary>This process is done with the sample for now: another worker may take it (and will find its results stored).</summary>
    Task ReleaseAsync(string sampleId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>True when other processes may write the run at the same time, so claimed samples are read again before work.</summary>
    bool IsShared => false;

    /// <summary>True once the store has failed even after its retries: no new request may start, since its result could not be stored.</summary>
    bool IsUnavailable => false;

    /// <summary>False when this worker has lost the sample's lease (another worker took it): it must neither ask nor store for it.</summary>
    bool Holds(string sampleId) => true;

    /// <summary>The stored answers, verdicts and scores of these samples as they are now (for a shared store, after a claim).</summary>
    SampleRecords ReadSamples(IReadOnlyCollection<string> ids)
    {
        var set = ids.ToHashSet();
        return new SampleRecords([.. Answers().Where(a => set.Contains(a.SampleId))], [.. Verdicts().Where(v => set.Contains(v.SampleId))],
            [.. Scores().SelectMany(p => p.Value.Where(s => set.Contains(s.Id)).Select(s => (p.Key, s.Id)))]);
    }
}

/// <summary>What a store holds for some samples: their answers, their verdicts, and which judges' scores exist for which sample.</summary>
public sealed record SampleRecords(IReadOnlyList<StoredAnswer> Answers, IReadOnlyList<StoredVerdict> Verdicts, IReadOnlyList<(string Judge, string SampleId)> Scored);

public static class RunStoreExtensions
{
    /// <summary>Everything in the store at once.</summary>
    public static RunContents Read(this IRunStore store) =>
        new(store.Location, store.ReadSpec() ?? throw new InputException($"{store.Location}: the run has no spec; start it again with mmsafe run --out."),
            store.Samples(), store.Answers(), store.Verdicts(), store.Scores(), store.Events(), store.Batches());
}
