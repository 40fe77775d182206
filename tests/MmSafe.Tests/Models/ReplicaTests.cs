using MmSafe.Models;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class ReplicaTests
{
    [Fact]
    public async Task Requests_spread_over_replicas_and_one_that_asks_to_wait_rests_while_the_others_serve()
    {
        await using var a = await FakeModelServer.StartAsync();
        await using var b = await FakeModelServer.StartAsync();
        a.Default = FakeReply.Slow(TimeSpan.FromMilliseconds(50));
        b.Default = FakeReply.Slow(TimeSpan.FromMilliseconds(50));
        var client = TestModels.Client(a, s => s with { Replicas = [b.BaseUrl], Concurrency = 4 });
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.SampleAsync(TestModels.Ask(), cancellationToken: TestContext.Current.CancellationToken)));
        Assert.True(a.Count >= 5 && b.Count >= 5, $"unbalanced: {a.Count} and {b.Count}"); // least outstanding: both replicas serve

        a.Script(FakeReply.Status(429, headers: ("retry-after", "30")));
        int before = a.Count, bBefore = b.Count;
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.SampleAsync(TestModels.Ask(), cancellationToken: TestContext.Current.CancellationToken)));
        Assert.All(answers, c => Assert.Equal(CompletionKind.Completed, c[0].Kind));
        // The replica that said "wait 30 s" got only what was already on its way (at most the 4 in flight); the rest went to the other at once.
        Assert.InRange(a.Count - before, 1, 4);
        Assert.True(b.Count - bBefore >= 6, $"the other replica served {b.Count - bBefore} of 10");
    }

    [Fact]
    public void A_models_file_lists_replicas_and_they_are_not_part_of_the_request_identity()
    {
        using var dir = new TempDir();
        var file = dir.File("models.yaml", "models:\n  qwen:\n    model: q\n    base_urls: [http://gpu-1:8000/v1, http://gpu-2:8000/v1]\n");
        var spec = ModelsFile.Load(file)["qwen"];
        Assert.Equal(new Uri("http://gpu-1:8000/v1"), spec.BaseUrl);
        Assert.Equal([new Uri("http://gpu-2:8000/v1")], spec.Replicas);
        var settings = MmSafe.Runs.RunSpecs.Judge(new MmSafe.Benchmarks.VlsBench.VlsBenchBenchmark(), spec, null);
        var other = MmSafe.Runs.RunSpecs.Judge(new MmSafe.Benchmarks.VlsBench.VlsBenchBenchmark(), spec with { Replicas = [] }, null);
        Assert.Equal(settings, other); // what is recorded for results, and so the identity, does not name the replicas
        Assert.Equal(["http://gpu-2:8000/v1"], MmSafe.Runs.RunSpecs.Operations(spec).Replicas);
    }
}
