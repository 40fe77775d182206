using MmSafe.Runs.Stores;
using MmSafe.Models;
using MmSafe.Models.Batches;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// A model's batches as the run store records them: a submission is stored (Submitting) before it is sent, then its
/// batch id (Submitted, and the submission Recorded), so that a kill between the provider's accepting it and our
/// recording its id loses nothing; on resume an interrupted submission is found by its id (or marked Lost, its
/// requests sent again); a batch whose results were all delivered is Collected.
/// </summary>
internal sealed class BatchLedger(IRunStore store, ModelClient client, BatchApi api, string role)
{
    /// <summary>The batches earlier sessions left open, including one an interrupted submission made.</summary>
    public async Task<IReadOnlyList<StoredBatch>> OpenAsync(CancellationToken cancellationToken)
    {
        var mine = store.Batches().Where(b => b.Model == client.Spec.Name && b.Role == role).ToList();
        var open = mine.Where(b => b.Status == StoredBatch.Submitted).ToList();
        foreach (var interrupted in mine.Where(b => b.Status == StoredBatch.Submitting))
            if (await SettleAsync(interrupted, cancellationToken).ConfigureAwait(false) is { } found) open.Add(found);
        return open;
    }

    public async Task<StoredBatch> SubmitAsync(BatchFile file, IReadOnlyList<BatchEntry> entries, CancellationToken cancellationToken)
    {
        var submission = Guid.NewGuid().ToString("N");
        var intent = new StoredBatch($"submission:{submission}", client.Spec.Name, role, StoredBatch.Submitting, entries, DateTimeOffset.UtcNow);
        await store.SaveBatchAsync(intent, cancellationToken).ConfigureAwait(false);
        var id = await api.SubmitAsync(file, submission, cancellationToken).ConfigureAwait(false);
        var batch = intent with { Id = id, Status = StoredBatch.Submitted, At = DateTimeOffset.UtcNow };
        await store.SaveBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        await store.SaveBatchAsync(intent with { Status = StoredBatch.Recorded }, cancellationToken).ConfigureAwait(false);
        await store.SaveAsync(new RunEvent(batch.At, RunEvents.BatchSubmitted, client.Spec.Name, $"{id}: {entries.Count} {role} requests"), cancellationToken).ConfigureAwait(false);
        return batch;
    }

    // A submission the last session did not see through: the batch it made, found by its submission id, is taken up;
    // if none is found (or the provider cannot tell), its requests are missing again and sent in a new batch.
    private async Task<StoredBatch?> SettleAsync(StoredBatch intent, CancellationToken cancellationToken)
    {
        var submission = intent.Id["submission:".Length..];
        if (await api.FindAsync(submission, cancellationToken).ConfigureAwait(false) is { } id)
        {
            var batch = intent with { Id = id, Status = StoredBatch.Submitted };
            await store.SaveBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            await store.SaveBatchAsync(intent with { Status = StoredBatch.Recorded }, cancellationToken).ConfigureAwait(false);
            await store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.BatchSubmitted, client.Spec.Name,
                $"{id}: found by its submission after the last session stopped before recording it"), cancellationToken).ConfigureAwait(false);
            return batch;
        }
        await store.SaveBatchAsync(intent with { Status = StoredBatch.Lost }, cancellationToken).ConfigureAwait(false);
        await store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.BatchLost, client.Spec.Name, api.CanFind
            ? $"a submission of {intent.Entries.Count} requests was interrupted and made no batch; they are sent again"
            : $"a submission of {intent.Entries.Count} requests was interrupted before its batch id arrived, and {client.Spec.Provider} cannot find a batch by ours; they are sent again (a batch made by the lost submission is paid too)"),
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>The batch's results by custom id once it has ended; null while it runs (or when asking failed transiently).
    /// A batch the provider no longer knows (404), or whose status or results cannot be read, ends with no results: its
    /// requests are asked again one at a time, and an event says why.</summary>
    public async Task<IReadOnlyDictionary<string, BatchOutcome>?> ResultsAsync(StoredBatch batch, CancellationToken cancellationToken)
    {
        BatchState state;
        IReadOnlyList<BatchOutcome> read;
        try
        {
            state = await api.PollAsync(batch.Id, cancellationToken).ConfigureAwait(false);
            if (!state.Ended) return null;
            read = await api.ResultsAsync(state, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelRequestException e) when (e.IsTransient)
        {
            return null;
        }
        catch (Exception e) when (e is ModelRequestException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            var why = e is ModelRequestException { Kind: ModelErrorKind.NotFound } ? $"{client.Spec.Provider} no longer knows this batch (404)" : $"its status or results could not be read ({e.Message})";
            await store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.BatchEnded, client.Spec.Name,
                $"{batch.Id}: {why}; its {batch.Entries.Count} {role} requests are asked again one at a time"), cancellationToken).ConfigureAwait(false);
            return new Dictionary<string, BatchOutcome>();
        }
        var outcomes = new Dictionary<string, BatchOutcome>();
        foreach (var o in read) outcomes.TryAdd(o.CustomId, o); // a repeated line answers once
        await store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.BatchEnded, client.Spec.Name, $"{batch.Id}: {state.Status}, {outcomes.Count} of {batch.Entries.Count} answered"),
            cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>Every result of the batch reached its request: nothing of it is waited for again.</summary>
    public Task CollectedAsync(StoredBatch batch, CancellationToken cancellationToken) =>
        store.SaveBatchAsync(batch with { Status = StoredBatch.Collected }, cancellationToken);
}
