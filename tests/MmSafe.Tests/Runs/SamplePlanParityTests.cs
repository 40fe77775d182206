using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Text.Json.Nodes;
using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// The one-at-a-time path and the batch path send what one plan builds: for the same samples they put the same request
/// bodies on the wire, store the same identities, and store an unreadable image the same way (a failure, asked again on resume).
/// </summary>
public sealed class SamplePlanParityTests
{
    private const int Items = 5;
    private const int Unreadable = 2;

    private static async Task<(IReadOnlyList<StoredAnswer> Answers, IReadOnlyList<StoredVerdict> Verdicts, IReadOnlyList<JsonNode> Bodies)> RunAsync(TempDir dir,
        FakeBatchServer server, bool batch)
    {
        var benchmark = BenchmarkRegistry.Get("vlsbench");
        var dataset = benchmark.Load(dir.Full("data"));
        var (selection, samples) = SampleSelection.Apply(dataset, null, null, null);
        server.SynchronousBodies.Clear();
        server.Bodies.Clear();
        // One base URL for both paths (it is part of a request's identity): the fake serves chat completions and batches.
        ModelSpec Spec(string name) => new(name, ProviderKind.OpenAI, name) { BaseUrl = server.BaseUrl, ApiKeyEnv = TestModels.KeyVariable, Batch = batch };
        var spec = RunSpecs.Create(benchmark, dataset, selection, 1, Spec("t"), null, Spec("j"), null);
        using var run = RunDirectory.Start(dir.Full(batch ? "batched" : "single"), spec, samples);
        File.Delete(dir.Full($"data/imgs/{Unreadable}.png")); // after the run started: it cannot be read when its requests are built
        var factory = new ModelClientFactory(environment: name => name == TestModels.KeyVariable ? TestModels.Key : null);
        await RunSchedule.RunAsync(run.Store, run.Spec, factory.Create(Spec("t")), [factory.Create(Spec("j"))], null, null, null, null,
            new PipelineOptions(BatchPoll: TimeSpan.FromMilliseconds(50)), TestContext.Current.CancellationToken);
        if (batch) Assert.Empty(server.SynchronousBodies);
        else Assert.Empty(server.Bodies);
        var bodies = batch ? server.Bodies : server.SynchronousBodies;
        return ([.. run.Store.Answers().OrderBy(a => a.SampleId)], [.. run.Store.Verdicts().OrderBy(v => v.SampleId).ThenBy(v => v.Aspect)],
            [.. bodies.OrderBy(b => b.ToJsonString(), StringComparer.Ordinal)]);
    }

    [Fact]
    public async Task One_at_a_time_and_batched_send_the_same_bodies_and_store_the_same_identities_and_failures()
    {
        using var dir = new TempDir();
        await using var server = await FakeBatchServer.StartAsync();
        server.Responder = body => ((FakeReply.Answer)RunFixture.Answer(body)).Content;
        RunFixture.WriteVlsBench(dir, Items);
        var single = await RunAsync(dir, server, batch: false);
        RunFixture.WriteVlsBench(dir, Items);
        var batched = await RunAsync(dir, server, batch: true);

        Assert.Equal(2 * (Items - 1), single.Bodies.Count); // a target and a judge request per readable sample
        Assert.Equal(single.Bodies.Select(b => b.ToJsonString()), batched.Bodies.Select(b => b.ToJsonString()));
        Assert.Equal(single.Answers.Select(a => (a.SampleId, a.Sample, a.Identity, a.Kind, a.Text, a.Error)),
            batched.Answers.Select(a => (a.SampleId, a.Sample, a.Identity, a.Kind, a.Text, a.Error)));
        Assert.Equal(single.Verdicts.Select(v => (v.SampleId, v.Aspect, v.Identity, v.Raw, v.Error)), batched.Verdicts.Select(v => (v.SampleId, v.Aspect, v.Identity, v.Raw, v.Error)));
        // The unreadable image: a failed answer (to be asked again on resume) on both paths, no request sent for it.
        foreach (var answers in new[] { single.Answers, batched.Answers })
        {
            var failed = Assert.Single(answers, a => a.Error is not null);
            Assert.True(failed.NeedsRetry);
            Assert.Contains($"{Unreadable}.png", failed.Error, StringComparison.Ordinal);
        }
    }
}
