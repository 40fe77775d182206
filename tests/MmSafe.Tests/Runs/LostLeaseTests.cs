using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
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
    private sealed class LateRenewals(IRunStore inner, string late) : DelegatingRunStore(inner)
    {
        private volatile bool _lapsed = true;

        public ConcurrentQueue<string> Claimed { get; } = new();

        public override bool IsShared => true;
        public override bool Holds(string sampleId) => sampleId != late || !_lapsed;

        public override Task ReleaseAsync(string sampleId, CancellationToken cancellationToken = default)
        {
            if (sampleId == late) _lapsed = false; // renewals are on time again: a new claim holds it
            return Inner.ReleaseAsync(sampleId, cancellationToken);
        }

        public override async Task<IReadOnlyList<string>> ClaimAsync(IReadOnlyList<string> pending, int max, CancellationToken cancellationToken = default)
        {
            var granted = await Inner.ClaimAsync(pending, max, cancellationToken);
            foreach (var id in granted) Claimed.Enqueue(id);
            return granted;
        }
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
