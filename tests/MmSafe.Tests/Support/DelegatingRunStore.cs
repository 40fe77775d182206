using MmSafe.Benchmarks;
using MmSafe.Runs;
using MmSafe.Runs.Stores;
using MmSafe.Scoring;

namespace MmSafe.Tests.Support;

/// <summary>A run store that passes everything to <paramref name="inner"/>; a test overrides what it changes (a failure, a count, a late lease).</summary>
public abstract class DelegatingRunStore(IRunStore inner) : IRunStore
{
    protected IRunStore Inner => inner;

    public virtual string Location => inner.Location;
    public virtual bool IsShared => inner.IsShared;
    public virtual bool IsUnavailable => inner.IsUnavailable;
    public virtual bool Holds(string sampleId) => inner.Holds(sampleId);
    public virtual RunSpec? ReadSpec() => inner.ReadSpec();
    public virtual void WriteSpec(RunSpec spec) => inner.WriteSpec(spec);
    public virtual void SaveSamples(IReadOnlyList<Sample> samples) => inner.SaveSamples(samples);
    public virtual IReadOnlyList<Sample> Samples() => inner.Samples();
    public virtual Task SaveAsync(StoredAnswer answer, CancellationToken cancellationToken = default) => inner.SaveAsync(answer, cancellationToken);
    public virtual Task SaveAsync(StoredVerdict verdict, CancellationToken cancellationToken = default) => inner.SaveAsync(verdict, cancellationToken);
    public virtual Task SaveScoreAsync(string judge, ItemScore score, CancellationToken cancellationToken = default) => inner.SaveScoreAsync(judge, score, cancellationToken);
    public virtual Task SaveAsync(RunEvent runEvent, CancellationToken cancellationToken = default) => inner.SaveAsync(runEvent, cancellationToken);
    public virtual IReadOnlyList<StoredAnswer> Answers() => inner.Answers();
    public virtual IReadOnlyList<StoredVerdict> Verdicts(string? judge = null) => inner.Verdicts(judge);
    public virtual IReadOnlyDictionary<string, IReadOnlyList<ItemScore>> Scores() => inner.Scores();
    public virtual IReadOnlyList<RunEvent> Events() => inner.Events();
    public virtual Task SaveCaptionAsync(string sampleId, string identity, string caption, CancellationToken cancellationToken = default) =>
        inner.SaveCaptionAsync(sampleId, identity, caption, cancellationToken);
    public virtual IReadOnlyDictionary<string, string> Captions() => inner.Captions();
    public virtual Task SaveBatchAsync(StoredBatch batch, CancellationToken cancellationToken = default) => inner.SaveBatchAsync(batch, cancellationToken);
    public virtual IReadOnlyList<StoredBatch> Batches() => inner.Batches();
    public virtual Task<IReadOnlyList<string>> ClaimAsync(IReadOnlyList<string> pending, int max, CancellationToken cancellationToken = default) =>
        inner.ClaimAsync(pending, max, cancellationToken);
    public virtual Task ReleaseAsync(string sampleId, CancellationToken cancellationToken = default) => inner.ReleaseAsync(sampleId, cancellationToken);
    public virtual SampleRecords ReadSamples(IReadOnlyCollection<string> ids) => inner.ReadSamples(ids);
    public virtual void Dispose() => inner.Dispose();
}
