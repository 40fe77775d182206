using System.Collections.Concurrent;
using MmSafe.Benchmarks;
using MmSafe.Runs;
using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Scoring;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// How workers sharing a PostgreSQL run divide it: a worker takes the samples nobody has worked on before those another
/// worker released (most likely finished), and once it meets one finished by another worker it drops every finished one
/// it still lists at once instead of claiming, reading and releasing each (the end of a run with two workers spent about
/// half a second so).
/// </summary>
public sealed class ClaimOrderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(PostgresRunStore First, PostgresRunStore Second, IReadOnlyList<Sample> Samples)> TwoWorkersAsync(TempDir dir, int items)
    {
        var postgres = await PostgresServer.GetAsync();
        var database = await postgres.CreateDatabaseAsync();
        var data = RunFixture.WriteVlsBench(dir, items);
        var benchmark = BenchmarkRegistry.Get("vlsbench");
        var dataset = benchmark.Load(data);
        var (selection, samples) = SampleSelection.Apply(dataset, null, null, null);
        var mock = MmSafe.Models.ModelSpec.Adhoc("mock");
        var first = PostgresRunStore.Open($"{database}/claims");
        first.WriteSpec(RunSpecs.Create(benchmark, dataset, selection, 1, mock, null, mock, null));
        first.SaveSamples(samples);
        return (first, PostgresRunStore.Open($"{database}/claims"), samples);
    }

    [Fact]
    public async Task A_worker_claims_samples_nobody_worked_on_before_one_another_worker_released()
    {
        using var dir = new TempDir();
        var (first, second, _) = await TwoWorkersAsync(dir, 3);
        using (first)
        using (second)
        {
            Assert.Equal(["0"], await first.ClaimAsync(["0", "1", "2"], 1, Token));
            await first.ReleaseAsync("0", Token);

            Assert.Equal(["1"], await second.ClaimAsync(["0", "1", "2"], 1, Token));
            Assert.Equal(["2"], await second.ClaimAsync(["0", "2"], 1, Token));
            Assert.Equal(["0"], await second.ClaimAsync(["0"], 1, Token)); // released, so still there for whoever comes last
        }
    }

    [Fact]
    public async Task A_worker_that_meets_a_sample_finished_by_another_drops_all_such_at_once()
    {
        using var dir = new TempDir();
        var (first, second, samples) = await TwoWorkersAsync(dir, 8);
        using (first)
        using (second)
        {
            // The second worker listed all eight when it started; the first has since finished them (its scores are stored).
            foreach (var s in samples)
                await first.SaveScoreAsync("mock", new ItemScore(s.Id, s.Category, s.SubCategory, true, new Dictionary<string, bool?>(), new Dictionary<string, int>(), [], []), Token);
            var counted = new CountingClaims(second);
            var feed = new SampleFeed(counted, [.. samples.Select(s => new SampleWork(s, [], []))],
                (w, scored) => !scored.Contains(("mock", w.Sample.Id)), chunk: 1);

            var handed = new List<string>();
            await foreach (var work in feed.ReadAllAsync(Token)) handed.Add(work.Sample.Id);

            Assert.Empty(handed);
            Assert.Single(counted.Claims); // one claim met a finished sample; the other seven were read together and dropped
        }
    }

    /// <summary>A shared store that counts claims.</summary>
    private sealed class CountingClaims(PostgresRunStore inner) : DelegatingRunStore(inner)
    {
        public ConcurrentQueue<IReadOnlyList<string>> Claims { get; } = new();

        public override async Task<IReadOnlyList<string>> ClaimAsync(IReadOnlyList<string> pending, int max, CancellationToken cancellationToken = default)
        {
            var granted = await Inner.ClaimAsync(pending, max, cancellationToken);
            Claims.Enqueue(granted);
            return granted;
        }
    }
}
