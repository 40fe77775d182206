using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs;

public sealed partial class RunPipeline
{
    /// <summary>
    /// One pass over the samples: how each model's requests travel (one at a time or batched), the samples admitted
    /// from the feed as places free up, and the partial batches sent when nothing else can make progress.
    /// </summary>
    private sealed partial class PipelineSession(RunPipeline p, PipelineOptions options, IRunStage? generate, IReadOnlyList<IRunStage> judging,
        CancellationToken requests, CancellationToken samples, SampleFlow flow) : IAsyncDisposable
    {
        private const string TargetRole = "target";
        private readonly List<BatchScheduler> _schedulers = [];
        private ModelTransport? _target;
        private ModelTransport[] _judges = [];

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Generate && p._target is { } target) _target = await TransportAsync(target, TargetRole, cancellationToken).ConfigureAwait(false);
            var judges = new List<ModelTransport>();
            foreach (var (settings, client) in p._judges) judges.Add(await TransportAsync(client, settings.Name, cancellationToken).ConfigureAwait(false));
            _judges = [.. judges];
            flow.Stalled = () =>
            {
                foreach (var scheduler in _schedulers) _ = scheduler.FlushAsync();
            };
        }

        private async Task<ModelTransport> TransportAsync(ModelClient client, string role, CancellationToken cancellationToken)
        {
            if (!client.Spec.Batch) return new ModelTransport(client, null, flow);
            var scheduler = new BatchScheduler(p._store, client, role, options.BatchPoll ?? PipelineOptions.DefaultBatchPoll, p.MayAsk, flow.Expect);
            _schedulers.Add(scheduler);
            await scheduler.StartAsync(cancellationToken).ConfigureAwait(false);
            return new ModelTransport(client, scheduler, flow);
        }

        public async Task RunAsync(SampleFeed feed)
        {
            var running = new List<Task>();
            using var stopFeed = CancellationTokenSource.CreateLinkedTokenSource(samples);
            try
            {
                await foreach (var work in feed.ReadAllAsync(stopFeed.Token).ConfigureAwait(false))
                {
                    await flow.AdmitAsync(work, stopFeed.Token).ConfigureAwait(false);
                    running.Add(SampleAsync(feed, work, stopFeed));
                    running.RemoveAll(t => t.IsCompletedSuccessfully);
                }
            }
            catch (OperationCanceledException) when (stopFeed.IsCancellationRequested)
            {
                // a sample failed, or the run is stopping: no new sample starts
            }
            flow.FeedDone();
            await Task.WhenAll(running).ConfigureAwait(false);
            samples.ThrowIfCancellationRequested();
        }

        private async Task SampleAsync(SampleFeed feed, SampleWork work, CancellationTokenSource stopFeed)
        {
            try
            {
                await ProcessAsync(work, stopFeed.Token).ConfigureAwait(false);
            }
            catch (ModelRequestException e) when (e.StopsTheRun)
            {
                p._stop.Stop(e); // raised outside a concurrency slot (a captioner, a mock): the first such error still ends the run
                throw;
            }
            catch (RequestNotStartedException) when (p._store.IsUnavailable || p._stop.Stopped || !p._store.Holds(work.Sample.Id) && p.MayAsk())
            {
                // The store failed (the failed save reports it), or another worker took over the sample's lease.
            }
            catch (Exception)
            {
                await stopFeed.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                work.ReleaseImages(); // the buffers go back to the pool as soon as the sample is done
            }
            // Through the feed: a sample whose lease was lost meanwhile comes back to be claimed again before the run ends.
            await feed.ReleaseAsync(work, stopping: samples.IsCancellationRequested || p._store.IsUnavailable, CancellationToken.None).ConfigureAwait(false);
        }

        // A unit of a sample's work (SampleFlow): it runs, then what follows from it (judging an answer) runs outside it.
        private async Task UnitAsync(SampleWork work, Func<Task<Task>> body)
        {
            Task next;
            flow.Enter(work);
            try
            {
                next = await body().ConfigureAwait(false);
            }
            finally
            {
                flow.Leave(work);
            }
            await next.ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var scheduler in _schedulers) await scheduler.DisposeAsync().ConfigureAwait(false);
        }
    }
}
