using System.Runtime.CompilerServices;

namespace MmSafe.Runs;

/// <summary>
/// Hands the pipeline the samples it may work on, a few at a time, claimed from the store. With one process (SQLite)
/// that is every sample still to do, in order. With a shared store, several workers claim from the same list: a
/// claimed sample is read again (another worker may have finished it), and one leased to a live worker is waited
/// for until that worker releases it or its lease runs out because it died, so every sample is seen by some worker.
/// </summary>
internal sealed class SampleFeed(IRunStore store, IReadOnlyList<SampleWork> todo, Func<SampleWork, IReadOnlySet<(string Judge, string Id)>, bool> needsWork, int chunk)
{
    /// <summary>How long to wait before asking again when every remaining sample is leased to another worker.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(500);

    public async IAsyncEnumerable<SampleWork> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var remaining = todo.ToList();
        while (remaining.Count > 0)
        {
            var granted = (await store.ClaimAsync([.. remaining.Select(w => w.Sample.Id)], chunk, cancellationToken).ConfigureAwait(false)).ToHashSet();
            if (granted.Count == 0)
            {
                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var batch = remaining.Where(w => granted.Contains(w.Sample.Id)).ToList();
            remaining.RemoveAll(w => granted.Contains(w.Sample.Id));
            if (store.IsShared) batch = await RefreshAsync(batch, cancellationToken).ConfigureAwait(false);
            foreach (var work in batch) yield return work;
        }
    }

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
            else await store.ReleaseAsync(work.Sample.Id, cancellationToken).ConfigureAwait(false);
        }
        return fresh;
    }
}
