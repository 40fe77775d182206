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

    [Fact]
    public async Task A_Retry_After_pauses_the_endpoint_for_every_request_not_only_the_one_told_to_wait()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Status(429, headers: ("retry-after", "1")));
        var client = TestModels.Client(server, s => s with { Concurrency = 4 });
        var token = TestContext.Current.CancellationToken;
        var first = client.SampleAsync(TestModels.Ask("first"), cancellationToken: token);
        while (server.Count == 0) await Task.Delay(5, token);
        await Task.Delay(100, token);
        var told = server.Received.First().At;
        await Task.WhenAll(first, client.SampleAsync(TestModels.Ask("second"), cancellationToken: token), client.SampleAsync(TestModels.Ask("third"), cancellationToken: token));
        // Sent 100 ms after the 429, the new requests waited for the end of the pause instead of collecting 429s of their own.
        var later = server.Received.Skip(1).ToList();
        Assert.Equal(3, later.Count);
        Assert.All(later, r => Assert.True(r.At - told >= TimeSpan.FromMilliseconds(900), $"a request reached the paused endpoint {(r.At - told).TotalMilliseconds:F0} ms after its 429"));
    }

    [Fact]
    public async Task Each_replica_has_its_own_requests_per_minute_bucket()
    {
        await using var a = await FakeModelServer.StartAsync();
        await using var b = await FakeModelServer.StartAsync();
        // One a minute with a burst of one: a shared bucket would hold the second request for a whole minute, so the two
        // requests not both being answered well inside that minute means the replicas share a bucket.
        var client = TestModels.Client(a, s => s with { Replicas = [b.BaseUrl], Concurrency = 4, RequestsPerMinute = 1 });
        var token = TestContext.Current.CancellationToken;
        var both = Task.WhenAll(client.SampleAsync(TestModels.Ask("one"), cancellationToken: token), client.SampleAsync(TestModels.Ask("two"), cancellationToken: token));
        var answered = await Task.WhenAny(both, Task.Delay(TimeSpan.FromSeconds(40), token));
        Assert.True(answered == both, "a replica waited for another's bucket");
        await both;
        Assert.Equal((1, 1), (a.Count, b.Count));
    }
}
