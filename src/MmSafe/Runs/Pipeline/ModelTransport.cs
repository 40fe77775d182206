using MmSafe.Models;

namespace MmSafe.Runs.Pipeline;

/// <summary>
/// How one model's requests travel: one at a time through its client stack, or, for a model with <c>Batch: true</c>,
/// through its <see cref="BatchScheduler"/>. A batched request parks its unit of work (<see cref="SampleFlow"/>) while
/// it waits; a request its batch could not answer is asked once more one at a time.
/// </summary>
internal sealed class ModelTransport(ModelClient client, BatchScheduler? batches, SampleFlow flow)
{
    public ModelClient Client => client;

    public bool Batched => batches is not null;

    /// <summary>The completions of <paramref name="requests"/> (one request, or a target's answers that share their messages), in order.</summary>
    /// <param name="waiting">Ends a wait for a batch (the run is stopping); <paramref name="token"/> ends a request sent one at a time.</param>
    public async Task<IReadOnlyList<Completion>> AskAsync(SampleWork work, IReadOnlyList<PlannedRequest> requests, Func<bool> mayStart, Action<ModelRequestException> stop,
        CancellationToken token, CancellationToken waiting)
    {
        if (batches is null || requests.Count != 1) return await OneAtATimeAsync(requests, mayStart, stop, token).ConfigureAwait(false);
        var (result, waits) = await batches.SendAsync(work.Sample.Id, requests[0], waiting).ConfigureAwait(false);
        if (waits)
        {
            flow.Leave(work); // parked: no place, no images, while the batch runs
            try
            {
                await result.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // seen below, once the unit runs again
            }
            await flow.ResumeAsync(work, expected: !result.IsCanceled, CancellationToken.None).ConfigureAwait(false);
        }
        try
        {
            return [await result.ConfigureAwait(false)];
        }
        catch (BatchUnansweredException)
        {
            return await OneAtATimeAsync(requests, mayStart, stop, token).ConfigureAwait(false);
        }
    }

    private Task<IReadOnlyList<Completion>> OneAtATimeAsync(IReadOnlyList<PlannedRequest> requests, Func<bool> mayStart, Action<ModelRequestException> stop, CancellationToken token) =>
        client.SampleAsync(requests[0].Messages, [.. requests.Select(r => r.Sample)], requests[0].Parameters, requests[0].Format, token, mayStart, stop);
}
