using System.Collections.Concurrent;
using MmSafe.Reports;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Runs;
using MmSafe.Scoring;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// A worker whose lease on a sample lapsed while it worked (its renewal came late: the process was starved of CPU)
/// stores nothing for that sample then; it comes back to the sample before it ends, so the run is complete.
/// </summary>
public sealed class LostLeaseTests
{
    /// <summary>
    /// A shared store (over an embedded one) whose renewals of sample "0" are late the first time this worker holds it:
    /// the worker's fence says the lease has lapsed until the pipeline has released the sample once.
    /// </summary>
    private sealed class LateRenewals(IRunStore inner, string late) : IRunStore
    {
        private volatile bool _lapsed = true;

        public ConcurrentQueue<string> Claimed { get; } = new();

        public bool IsShared => true;
        public bool Holds(string sampleId) => sampleId != late || !_lapsed;

        public Task ReleaseAsync(string sampleId, CancellationToken cancellationToken = default)
        {
            if (sampleId == late) _lapsed = false; // renewals are on time again: a new claim holds it
            return inner.ReleaseAsync(sampleId, cancellationToken);
        }

        public async Task<IReadOnlyList<string>> ClaimAsync(IReadOnlyList<string> pending, int max, CancellationToken cancellationToken = default)
        {
            var granted = await inner.ClaimAsync(pending, max, cancellationToken);
            foreach (var id in granted) Claimed.Enqueue(id);
            return granted;
        }

        public string Location => inner.Location;
        public bool IsUnavailable => inner.IsUnavailable;
        public RunSpec? ReadSpec() => inner.ReadSpec();
        public void WriteSpec(RunSpec spec) => inner.WriteSpec(spec);
        public void SaveSamples(IReadOnlyList<Sample> samples) => inner.SaveSamples(samples);
        public IReadOnlyList<Sample> Samples() => inner.Samples();
        public Task SaveAsync(StoredAnswer answer, CancellationToken cancellationToken = default) => inner.SaveAsync(answer, cancellationToken);
        public Task SaveAsync(StoredVerdict verdict, CancellationToken cancellationToken = default) => inner.SaveAsync(verdict, cancellationToken);
        public Task SaveScoreAsync(string judge, ItemScore score, CancellationToken cancellationToken = default) => inner.SaveScoreAsync(judge, score, cancellationToken);
        public Task SaveAsync(RunEvent runEvent, CancellationToken cancellationToken = default) => inner.SaveAsync(runEvent, cancellationToken);
        public IReadOnlyList<StoredAnswer> Answers() => inner.Answers();
        public IReadOnlyList<StoredVerdict> Verdicts(string? judge = null) => inner.Verdicts(judge);
        public IReadOnlyDictionary<string, IReadOnlyList<ItemScore>> Scores() => inner.Scores();
        public IReadOnlyList<RunEvent> Events() => inner.Events();
        public Task SaveCaptionAsync(string sampleId, string identity, string caption, CancellationToken cancellationToken = default) => inner.SaveCaptionAsync(sampleId, identity, caption, cancellationToken);
        public IReadOnlyDictionary<string, string> Captions() => inner.Captions();
        public Task SaveBatchAsync(StoredBatch batch, CancellationToken cancellationToken = default) => inner.SaveBatchAsync(batch, cancellationToken);
        public IReadOnlyList<StoredBatch> Batches() => inner.Batches();
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public async Task A_sample_whose_lease_lapsed_while_it_was_worked_on_is_claimed_again_and_finished_before_the_worker_ends()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 6);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        var benchmark = BenchmarkRegistry.Get("vlsbench");
        var dataset = benchmark.Load(data);
        var (selection, samples) = SampleSelection.Apply(dataset, null, null, null);
        var target = TestModels.Spec(server) with { Name = "t", Concurrency = 2 };
        var judge = TestModels.Spec(server) with { Name = "j", Concurrency = 2 };
        using var run = RunDirectory.Start(dir.Full("run"), RunSpecs.Create(benchmark, dataset, selection, 1, target, null, judge, null), samples);
        var store = new LateRenewals(run.Store, late: "0");
        var factory = new ModelClientFactory(environment: _ => "sk-test");

        await new RunPipeline(store, run.Spec, factory.Create(target), [factory.Create(judge)]).RunAsync(cancellationToken: TestContext.Current.CancellationToken);

        var score = RunScoring.Score(run.Store.Read());
        Assert.True(score.Completeness.IsComplete, score.Completeness.Describe());
        Assert.Equal(2, store.Claimed.Count(id => id == "0")); // once when its lease lapsed, once more to finish it
        Assert.Equal(12, server.Completed.Count); // nothing was asked while the lease had lapsed: each request once
    }
}
