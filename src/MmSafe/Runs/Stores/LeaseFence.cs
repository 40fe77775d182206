using System.Collections.Concurrent;
using System.Diagnostics;

namespace MmSafe.Runs.Stores;

/// <summary>
/// What this worker knows of its own leases, so that a worker that lost one neither asks nor stores for that sample.
/// A lease counts as held until a quarter of its length before it could have run out at the server: the lease's length
/// after the claim or renewal statement was <em>sent</em> (the server's clock starts later). A renewal that no longer
/// returns a sample (another worker took it after it ran out, e.g. while this one was starved of CPU) loses it at once.
/// Samples this worker never claimed, or released when done, are not fenced (merges, imports, batch phases write them).
/// </summary>
public sealed class LeaseFence(TimeSpan lease)
{
    private readonly ConcurrentDictionary<string, (long ClaimedAt, long Until)> _until = new(StringComparer.Ordinal);
    private readonly long _length = (long)((lease - lease / 4).TotalSeconds * Stopwatch.Frequency);

    public void Held(string sampleId, long sentAt) => _until[sampleId] = (sentAt, sentAt + _length);

    /// <summary>Forgets a sample this worker is done with; returns null so the caller goes on to release it at the server.</summary>
    public Task? Released(string sampleId)
    {
        _until.TryRemove(sampleId, out _);
        return null;
    }

    public void Renewed(IReadOnlyCollection<string> still, long sentAt)
    {
        var renewed = still.ToHashSet(StringComparer.Ordinal);
        foreach (var (id, lease) in _until)
            if (renewed.Contains(id)) _until[id] = lease with { Until = sentAt + _length };
            else if (lease.ClaimedAt < sentAt) _until[id] = lease with { Until = long.MinValue }; // lost: another worker holds it now
    }

    public bool Holds(string sampleId) => !_until.TryGetValue(sampleId, out var lease) || Stopwatch.GetTimestamp() < lease.Until;
}
