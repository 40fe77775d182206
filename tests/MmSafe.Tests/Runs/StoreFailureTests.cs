using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Runs;
using MmSafe.Scoring;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>Once the store has failed, no new request starts: an answer that cannot be stored would be paid for again on resume.</summary>
public sealed class StoreFailureTests
{
    /// <summary>A SQLite store that fails for good, as a PostgreSQL store does when its server goes away, after some answers.</summary>
    private sealed class FailingStore(IRunStore inner, int answersBeforeFailure) : DelegatingRunStore(inner)
    {
        private int _answers;
        private volatile bool _failed;

        public DateTime FailedAt { get; private set; } = DateTime.MaxValue;

        public override bool IsUnavailable => _failed;

        public override Task SaveAsync(StoredAnswer answer, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _answers) > answersBeforeFailure) Fail();
            return Inner.SaveAsync(answer, cancellationToken);
        }

        public override Task SaveAsync(StoredVerdict verdict, CancellationToken cancellationToken = default)
        {
            if (_failed) Fail();
            return Inner.SaveAsync(verdict, cancellationToken);
        }

        private void Fail()
        {
            if (!_failed) FailedAt = DateTime.UtcNow;
            _failed = true;
            throw new StoreUnavailableException("the test store went away", new IOException("gone"));
        }

        public override Task SaveScoreAsync(string judge, ItemScore score, CancellationToken cancellationToken = default) => _failed ? Task.CompletedTask : Inner.SaveScoreAsync(judge, score, cancellationToken);
    }

    [Fact]
    public async Task No_request_starts_after_the_store_has_failed()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 60);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body, TimeSpan.FromMilliseconds(30));
        var benchmark = BenchmarkRegistry.Get("vlsbench");
        var dataset = benchmark.Load(data);
        var (selection, samples) = SampleSelection.Apply(dataset, null, null, null);
        var target = TestModels.Spec(server) with { Name = "t", Concurrency = 4 };
        var judge = TestModels.Spec(server) with { Name = "j", Concurrency = 4 };
        var spec = RunSpecs.Create(benchmark, dataset, selection, 1, target, null, judge, null);
        using var run = RunDirectory.Start(dir.Full("run"), spec, samples);
        var store = new FailingStore(run.Store, answersBeforeFailure: 10);
        var factory = new ModelClientFactory(environment: _ => "sk-test");
        var pipeline = new RunPipeline(store, run.Spec, factory.Create(target), [factory.Create(judge)]);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => pipeline.RunAsync(cancellationToken: TestContext.Current.CancellationToken));
        // Requests whose slot was taken before the failure may still arrive after it (at most one per slot: 4 target and
        // 4 judge); none may start from a slot taken after it, as the 100 left to ask would.
        var late = server.Received.Count(r => r.At > store.FailedAt);
        Assert.True(late <= 8, $"{late} requests started after the store failed (of {server.Received.Count})");
    }
}
