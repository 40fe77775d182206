using MmSafe.Runs.Stores;
using MmSafe.Models;
using MmSafe.Models.Batches;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// Batching as a transport for one model in one role (the target, or a judge): requests are written into a batch file
/// as they come (images released once written) and sent as a provider batch when the file is full (the API's count or
/// size), when the pipeline can make no progress without it (<see cref="FlushAsync"/>), or after an idle window. Each
/// submission is recorded through the run store before it is sent (<see cref="BatchLedger"/>); open batches are polled
/// and each waiting request completed with its result. A request that an unfinished batch of an earlier session
/// already holds waits for that batch instead of being sent again.
/// </summary>
internal sealed class BatchScheduler : IAsyncDisposable
{
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(2);
    private readonly ModelClient _client;
    private readonly BatchApi _api;
    private readonly BatchLedger _ledger;
    private readonly Func<bool> _maySend;
    private readonly Action _expect;
    private readonly TimeSpan _poll;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, int, string?), TaskCompletionSource<Completion>> _waiters = [];
    private readonly Dictionary<(string, int, string?), StoredBatch> _held = [];
    private readonly Dictionary<(string, int, string?), (BatchOutcome? Outcome, StoredBatch Batch)> _stash = [];
    private readonly Dictionary<string, int> _undelivered = [];
    private readonly List<StoredBatch> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _flushes = [];
    private BatchFile? _file;
    private List<BatchEntry> _entries = [];
    private long _lastAdd;
    private Task _loop = Task.CompletedTask;

    /// <param name="maySend">Asked before each submission (the budget, a stop): false and its requests are not sent.</param>
    /// <param name="expect">Told, before a waiting request is completed, that its unit will run again (<see cref="SampleFlow.Expect"/>).</param>
    public BatchScheduler(IRunStore store, ModelClient client, string role, TimeSpan poll, Func<bool> maySend, Action expect)
    {
        _api = client.Batch ?? throw new InputException($"{client.Spec.Name}: provider {client.Spec.Provider} has no batch API; run it without --batch.");
        (_client, _poll, _maySend, _expect) = (client, poll, maySend, expect);
        _ledger = new BatchLedger(store, client, _api, role);
    }

    private static (string, int, string?) Key(BatchEntry e) => (e.SampleId, e.Sample, e.Aspect);

    /// <summary>Takes up the batches of earlier sessions (settling an interrupted submission) and starts polling.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var batch in await _ledger.OpenAsync(cancellationToken).ConfigureAwait(false)) Hold(batch);
        _loop = PollAsync(_stop.Token);
    }

    private void Hold(StoredBatch batch)
    {
        lock (_lock)
        {
            _open.Add(batch);
            _undelivered[batch.Id] = batch.Entries.Count;
            foreach (var e in batch.Entries) _held[Key(e)] = batch;
        }
    }

    /// <summary>Writes the request into the batch being filled (or finds it in a batch already sent); returns once written, with the task of its result,
    /// and whether it waits (false: a result already in hand; true: its delivery calls the expect callback first, unless the wait is cancelled).</summary>
    public async Task<(Task<Completion> Result, bool Waits)> SendAsync(string sampleId, PlannedRequest request, CancellationToken cancellationToken)
    {
        var key = (sampleId, request.Sample, request.Aspect);
        var waiter = new TaskCompletionSource<Completion>(TaskCreationOptions.RunContinuationsAsynchronously);
        StoredBatch? collected = null;
        bool waiting = false, collectedNow = false;
        lock (_lock)
        {
            if (_stash.Remove(key, out var kept))
            {
                collected = --_undelivered[kept.Batch.Id] == 0 ? kept.Batch : null;
                Complete(waiter, kept.Outcome, kept.Batch);
                collectedNow = true;
            }
            else if (_held.ContainsKey(key)) (_waiters[key], waiting) = (waiter, true);
        }
        if (collected is not null) await _ledger.CollectedAsync(collected, CancellationToken.None).ConfigureAwait(false);
        if (!waiter.Task.IsCompleted && !waiting) await WriteAsync(key, request, waiter, cancellationToken).ConfigureAwait(false);
        var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
                if (_waiters.TryGetValue(key, out var w) && w == waiter && _waiters.Remove(key)) waiter.TrySetCanceled(cancellationToken);
        });
        _ = waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return (waiter.Task, !collectedNow);
    }

    private async Task WriteAsync((string, int, string?) key, PlannedRequest request, TaskCompletionSource<Completion> waiter, CancellationToken cancellationToken)
    {
        var (messages, options) = _client.Prepare(request.Messages, request.Sample, request.Parameters, request.Format);
        var written = new BatchRequest("", messages, options);
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_file is { } full && (full.Count >= _api.MaxRequests || full.Count > 0 && full.Bytes + written.EstimatedBytes > _api.MaxBytes)) await SubmitLockedAsync().ConfigureAwait(false);
            _file ??= _api.NewFile();
            var customId = $"r{_file.Count}";
            await _file.AddAsync(written with { CustomId = customId }, cancellationToken).ConfigureAwait(false);
            _entries.Add(new BatchEntry(customId, key.Item1, key.Item2, key.Item3, request.Identity));
            lock (_lock) _waiters[key] = waiter;
            Interlocked.Exchange(ref _lastAdd, Environment.TickCount64);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Sends the batch being filled now (nothing else can make progress without it).</summary>
    public Task FlushAsync()
    {
        var flush = FlushCoreAsync();
        lock (_lock) _flushes.Add(flush);
        return flush;
    }

    private async Task FlushCoreAsync()
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            await SubmitLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    // Under _writing. A submission that fails (or may not be sent) fails each of its requests, as one sent alone would.
    private async Task SubmitLockedAsync()
    {
        var (file, entries) = (_file, _entries);
        (_file, _entries) = (null, []);
        if (file is null) return;
        using (file)
        {
            if (!_maySend())
            {
                Fail(entries, new Models.Middleware.RequestNotStartedException());
                return;
            }
            try
            {
                Hold(await _ledger.SubmitAsync(file, entries, CancellationToken.None).ConfigureAwait(false));
            }
            catch (Exception e) when (e is ModelRequestException or StoreUnavailableException or IOException)
            {
                Fail(entries, e);
            }
        }
    }

    private void Fail(List<BatchEntry> entries, Exception error)
    {
        lock (_lock)
            foreach (var e in entries)
                if (_waiters.Remove(Key(e), out var w))
                {
                    _expect();
                    w.TrySetException(error);
                }
    }

    // Completes a waiter with its outcome: a completion, or the batch's reason for having none.
    private static void Complete(TaskCompletionSource<Completion> waiter, BatchOutcome? outcome, StoredBatch batch)
    {
        if (outcome?.Completion is { } c) waiter.TrySetResult(c);
        else waiter.TrySetException(new BatchUnansweredException(outcome?.Error ?? $"batch {batch.Id} ended without an answer to this request"));
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_poll < IdleWindow ? _poll : IdleWindow, cancellationToken).ConfigureAwait(false);
                bool idle;
                lock (_lock) idle = _waiters.Count > 0;
                if (idle && _file is not null && Environment.TickCount64 - Interlocked.Read(ref _lastAdd) > IdleWindow.TotalMilliseconds) await FlushAsync().ConfigureAwait(false);
                List<StoredBatch> wanted;
                lock (_lock) wanted = [.. _open.Where(b => b.Entries.Any(e => _waiters.ContainsKey(Key(e))))];
                foreach (var batch in wanted)
                    try
                    {
                        await CollectAsync(batch, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        Abandon(batch, e); // never a silent end of polling: its requests are asked one at a time
                    }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task CollectAsync(StoredBatch batch, CancellationToken cancellationToken)
    {
        var outcomes = await _ledger.ResultsAsync(batch, cancellationToken).ConfigureAwait(false);
        if (outcomes is null) return; // not ended yet, or asked again at the next poll
        bool collected;
        lock (_lock)
        {
            _open.Remove(batch);
            foreach (var e in batch.Entries)
            {
                var key = Key(e);
                _held.Remove(key);
                var outcome = outcomes.GetValueOrDefault(e.CustomId);
                if (outcome?.Completion is { } c) _client.Usage.Record(TimeSpan.Zero, c.InputTokens, c.OutputTokens, failed: false);
                if (_waiters.Remove(key, out var waiter))
                {
                    _expect();
                    Complete(waiter, outcome, batch);
                    _undelivered[batch.Id]--;
                }
                else _stash[key] = (outcome, batch);
            }
            collected = _undelivered[batch.Id] == 0;
        }
        if (collected) await _ledger.CollectedAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    // A batch that could not be collected: its waiting requests are asked one at a time; it is not polled again this session.
    private void Abandon(StoredBatch batch, Exception error)
    {
        lock (_lock)
        {
            _open.Remove(batch);
            foreach (var e in batch.Entries)
            {
                var key = Key(e);
                if (_held.TryGetValue(key, out var holder) && holder == batch) _held.Remove(key);
                if (_waiters.Remove(key, out var waiter))
                {
                    _expect();
                    waiter.TrySetException(new BatchUnansweredException($"batch {batch.Id} could not be collected: {error.Message}"));
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Task[] flushes;
        lock (_lock) flushes = [.. _flushes];
        await Task.WhenAll(flushes).ConfigureAwait(false);
        _file?.Dispose();
        _stop.Dispose();
    }
}

/// <summary>A batch ended without a result for this request (an error line, or none): it is asked again one at a time.</summary>
internal sealed class BatchUnansweredException(string message) : Exception(message);
