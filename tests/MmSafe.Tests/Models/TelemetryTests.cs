using System.Diagnostics;
using MmSafe.Models;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class TelemetryTests
{
    [Fact]
    public async Task With_a_telemetry_source_each_request_is_a_genai_span_without_message_contents_or_key()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Ok("A secret answer.");
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MmSafe-test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        var client = new ModelClientFactory(environment: name => name == TestModels.KeyVariable ? TestModels.Key : null, telemetrySource: "MmSafe-test")
            .Create(TestModels.Spec(server));
        await client.SampleAsync(TestModels.Ask("What is in the picture?"), cancellationToken: TestContext.Current.CancellationToken);
        var span = Assert.Single(spans);
        Assert.Equal("test-model", span.GetTagItem("gen_ai.request.model"));
        var tags = string.Join(" ", span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
        Assert.DoesNotContain("A secret answer", tags);
        Assert.DoesNotContain("What is in the picture", tags);
        Assert.DoesNotContain(TestModels.Key, tags);
    }
}
