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
    private sealed class FailingStore(IRunStore inner, int answersBeforeFailure) : IRunStore
    {
        private int _answers;
        private volatile bool _failed;

        public DateTime FailedAt { get; private set; } = DateTime.MaxValue;

        public string Location => inner.Location;
        public bool IsUnavailable => _failed;
        public RunSpec? ReadSpec() => inner.ReadSpec();
        public void WriteSpec(RunSpec spec) => inner.WriteSpec(spec);
        public void SaveSamples(IReadOnlyList<Sample> samples) => inner.SaveSamples(samples);
        public IReadOnlyList<Sample> Samples() => inner.Samples();

        public Task SaveAsync(StoredAnswer answer, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _answers) > answersBeforeFailure) Fail();
            return inner.SaveAsync(answer, cancellationToken);
        }

        public Task SaveAsync(StoredVerdict verdict, CancellationToken cancellationToken = default)
        {
            if (_failed) Fail();
            return inner.SaveAsync(verdict, cancellationToken);
        }

        private void Fail()
        {
            if (!_failed) FailedAt = DateTime.UtcNow;
            _failed = true;
            throw new StoreUnavailableException("the test store went away", new IOException("gone"));
        }

        public Task SaveScoreAsync(string judge, ItemScore score, CancellationToken cancellationToken = default) => _failed ? Task.CompletedTask : inner.SaveScoreAsync(judge, score, cancellationToken);
        public Task SaveAsync(RunEvent runEvent, CancellationToken cancellationToken = default) => inner.SaveAsync(runEvent, cancellationToken);
        public IReadOnlyList<StoredAnswer> Answers() => inner.Answers();
        public IReadOnlyList<StoredVerdict> Verdicts(string? judge = null) => inner.Verdicts(judge);
        public IReadOnlyDictionary<string, IReadOnlyList<ItemScore>> Scores() => inner.Scores();
        public IReadOnlyList<RunEvent> Events() => inner.Events();
        public Task SaveCaptionAsync(string sampleId, string identity, string caption, CancellationToken cancellationToken = default) => inner.SaveCaptionAsync(sampleId, identity, caption, cancellationToken);
        public IReadOnlyDictionary<string, string> Captions() => inner.Captions();
        public Task SaveBatchAsync(StoredBatch batch, CancellationToken cancellationToken = default) => inner.SaveBatchAsync(batch, cancellationToken);
        public IReadOnlyList<StoredBatch> Batches() => inner.Batches();
        public Task<IReadOnlyList<string>> ClaimAsync(IReadOnlyList<string> pending, int max, CancellationToken cancellationToken = default) => inner.ClaimAsync(pending, max, cancellationToken);
        public void Dispose() => inner.Dispose();
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
