namespace MmSafe.Runs.Pipeline;

/// <summary>
/// How many samples a pipeline works on at once, and when nothing more can happen without a batch being sent.
/// A sample holds a place (and its images) while one of its units of work runs: preparing it, a request sent one at a
/// time, storing a result and starting what follows from it. A unit waiting for a batch is parked: it holds neither, so
/// the feed goes on reading samples into the batch; when its result is delivered, the unit is expected again at once
/// (before it runs), and takes a place and re-reads the images when it resumes. When the feed is done and no unit runs
/// or is expected, <see cref="Stalled"/> fires: the partial batches are sent.
/// </summary>
internal sealed class SampleFlow(int degree)
{
    private readonly SemaphoreSlim _room = new(degree, int.MaxValue);
    private int _units;
    private volatile bool _fed;

    /// <summary>Called (on the thread that made it so) when the feed is done and no unit runs or is expected.</summary>
    public Action? Stalled { get; set; }

    /// <summary>A new sample from the feed: waits for a place, then runs its first unit.</summary>
    public async Task AdmitAsync(SampleWork work, CancellationToken cancellationToken)
    {
        await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (work.FlowGate)
        {
            work.Units++;
            work.HasPlace = true;
        }
        Interlocked.Increment(ref _units);
    }

    /// <summary>A unit started by a running unit of the same sample (called before the starting one leaves).</summary>
    public void Enter(SampleWork work)
    {
        lock (work.FlowGate) work.Units++;
        Interlocked.Increment(ref _units);
    }

    /// <summary>A unit finished or parked: the sample's last one gives back its place and its images.</summary>
    public void Leave(SampleWork work)
    {
        bool release = false;
        lock (work.FlowGate)
            if (--work.Units == 0)
            {
                release = work.HasPlace;
                work.HasPlace = false;
                work.ReleaseImages();
            }
        if (release) _room.Release();
        Done();
    }

    /// <summary>A parked unit's result was delivered: it counts as running from now, before its continuation is scheduled.</summary>
    public void Expect() => Interlocked.Increment(ref _units);

    /// <summary>A parked unit runs again (<paramref name="expected"/>: its delivery called <see cref="Expect"/>); the sample's first takes a place and re-reads the images.</summary>
    public async Task ResumeAsync(SampleWork work, bool expected, CancellationToken cancellationToken)
    {
        Task ready;
        lock (work.FlowGate)
        {
            if (work.Units++ == 0) work.Ready = RetakeAsync(work, cancellationToken);
            ready = work.Ready;
        }
        if (!expected) Interlocked.Increment(ref _units);
        await ready.ConfigureAwait(false);
    }

    private async Task RetakeAsync(SampleWork work, CancellationToken cancellationToken)
    {
        await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (work.FlowGate) work.HasPlace = true;
        if (work.ImagesWanted) await work.ReadImagesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The feed has no more samples for this session.</summary>
    public void FeedDone()
    {
        _fed = true;
        if (Volatile.Read(ref _units) == 0) Stalled?.Invoke();
    }

    private void Done()
    {
        if (Interlocked.Decrement(ref _units) == 0 && _fed) Stalled?.Invoke();
    }
}
