using MmSafe.Runs.Stores;
using System.Runtime.CompilerServices;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// Hands the pipeline the samples it may work on, a few at a time, claimed from the store. With one process (SQLite)
/// that is every sample still to do, in order. With a shared store, several workers claim from the same list: a
/// claimed sample is read again (another worker may have finished it), and one leased to a live worker is waited
/// for until that worker releases it or its lease runs out because it died, so every sample is seen by some worker.
/// A sample whose lease this worker lost while working on it (its renewal came late, say while the process was starved
/// of CPU) may have been left half done, since nothing is stored for a sample not held: it comes back to the feed when
/// the pipeline is done with it (<see cref="ReleaseAsync"/>), and the feed does not end while a sample is out, so the
/// worker claims it again (or waits for whoever holds it) before it ends.
/// </summary>
internal sealed class SampleFeed(IRunStore store, IReadOnlyList<SampleWork> todo, Func<SampleWork, IReadOnlySet<(string Judge, string Id)>, bool> needsWork, int chunk)
{
    /// <summary>How often a sample whose lease was lost comes back; then it is left for a later session (the run says it is not scored yet).</summary>
    public const int MaxReturns = 3;

    private readonly Lock _gate = new();
    private readonly List<SampleWork> _remaining = [.. todo];
    private readonly Dictionary<string, SampleWork> _out = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _returns = new(StringComparer.Ordinal);
    private TaskCompletionSource _released = NewSignal();

    /// <summary>
    /// The longest wait before asking again when every remaining sample is leased to another worker. The first wait is
    /// short (<see cref="FirstPoll"/>) and each next one twice as long: at the end of a run, the other workers' last
    /// samples are released within moments, and a worker waiting on a dead one's leases asks rarely.
    /// </summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);

    public async IAsyncEnumerable<SampleWork> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wait = FirstPoll;
        while (true)
        {
            List<SampleWork> remaining;
            Task released;
            lock (_gate)
            {
                // Only a shared store's sample can come back (its lease lost meanwhile); a sample waiting on a batch stays out
                // for long, and an embedded store's feed must end for the partial batches to be sent.
                if (_remaining.Count == 0 && (_out.Count == 0 || !store.IsShared)) yield break;
                (remaining, released) = ([.. _remaining], _released.Task);
            }
            if (remaining.Count == 0)
            {
                // Every sample is handed out: one may yet come back, so wait for the pipeline to release one.
                await released.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            var granted = (await store.ClaimAsync([.. remaining.Select(w => w.Sample.Id)], chunk, cancellationToken).ConfigureAwait(false)).ToHashSet();
            if (granted.Count == 0)
            {
                await Task.WhenAny(Task.Delay(wait, cancellationToken), released).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                wait = wait * 2 < Poll ? wait * 2 : Poll;
                continue;
            }
            wait = FirstPoll;
            var batch = remaining.Where(w => granted.Contains(w.Sample.Id)).ToList();
            lock (_gate)
            {
                _remaining.RemoveAll(w => granted.Contains(w.Sample.Id));
                foreach (var work in batch) _out[work.Sample.Id] = work;
            }
            if (store.IsShared) batch = await RefreshAsync(batch, cancellationToken).ConfigureAwait(false);
            Diagnostics.PhaseTrace.MarkOnce("first samples claimed");
            foreach (var work in batch) yield return work;
        }
    }

    /// <summary>
    /// The pipeline is done with a sample: its lease is released at the store. If this worker no longer held it at the
    /// end, what it did for the sample may not have been stored, so the sample goes back to be claimed and read again.
    /// </summary>
    public async Task ReleaseAsync(SampleWork work, bool stopping, CancellationToken cancellationToken = default)
    {
        bool lost = store.IsShared && !stopping && !store.Holds(work.Sample.Id);
        await store.ReleaseAsync(work.Sample.Id, cancellationToken).ConfigureAwait(false);
        Returned(work, lost);
    }

    private void Returned(SampleWork work, bool lost)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _out.Remove(work.Sample.Id);
            if (lost && (_returns[work.Sample.Id] = _returns.GetValueOrDefault(work.Sample.Id) + 1) <= MaxReturns) _remaining.Add(work);
            (signal, _released) = (_released, NewSignal());
        }
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // What another worker stored since this one started counts: only what is still missing is asked for.
    private async Task<List<SampleWork>> RefreshAsync(List<SampleWork> batch, CancellationToken cancellationToken)
    {
        var records = store.ReadSamples([.. batch.Select(w => w.Sample.Id)]);
        var answers = records.Answers.ToLookup(a => a.SampleId);
        var verdicts = records.Verdicts.ToLookup(v => v.SampleId);
        var scored = records.Scored.ToHashSet();
        var fresh = new List<SampleWork>();
        foreach (var old in batch)
        {
            var work = new SampleWork(old.Sample, answers[old.Sample.Id], verdicts[old.Sample.Id]);
            if (needsWork(work, scored)) fresh.Add(work);
            else
            {
                await store.ReleaseAsync(work.Sample.Id, cancellationToken).ConfigureAwait(false);
                Returned(old, lost: false);
            }
        }
        lock (_gate)
            foreach (var work in fresh) _out[work.Sample.Id] = work;
        if (fresh.Count < batch.Count) Prune();
        return fresh;
    }

    // A claimed sample was finished by another worker: so may be many of those still listed here. What is left of them is
    // read at once, and the finished ones are dropped, rather than each claimed, read and released on its own.
    private void Prune()
    {
        List<SampleWork> listed;
        lock (_gate) listed = [.. _remaining];
        if (listed.Count == 0) return;
        var records = store.ReadSamples([.. listed.Select(w => w.Sample.Id)]);
        var answers = records.Answers.ToLookup(a => a.SampleId);
        var verdicts = records.Verdicts.ToLookup(v => v.SampleId);
        var scored = records.Scored.ToHashSet();
        var finished = listed.Where(w => !needsWork(new SampleWork(w.Sample, answers[w.Sample.Id], verdicts[w.Sample.Id]), scored))
            .Select(w => w.Sample.Id).ToHashSet(StringComparer.Ordinal);
        lock (_gate) _remaining.RemoveAll(w => finished.Contains(w.Sample.Id));
    }
}
