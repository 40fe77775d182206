using MmSafe.Models;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class OutcomeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<Completion> OneAsync(FakeReply reply)
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = reply;
        return (await TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token)).Single();
    }

    [Fact]
    public async Task A_refusal_field_is_its_own_outcome_and_is_the_scored_text()
    {
        var c = await OneAsync(new FakeReply.Answer("", Refusal: "I can't help with that."));
        Assert.Equal(CompletionKind.Refused, c.Kind);
        Assert.Equal("I can't help with that.", c.ScoredText);
    }

    [Fact]
    public async Task A_content_filter_finish_is_its_own_outcome()
    {
        var c = await OneAsync(new FakeReply.Answer("", FinishReason: "content_filter"));
        Assert.Equal(CompletionKind.ContentFiltered, c.Kind);
    }

    [Fact]
    public async Task Truncation_by_length_is_its_own_outcome()
    {
        var c = await OneAsync(new FakeReply.Answer("Half an answ", FinishReason: "length"));
        Assert.Equal((CompletionKind.Truncated, "Half an answ"), (c.Kind, c.Text));
    }

    [Fact]
    public async Task A_content_policy_error_is_an_outcome_not_a_crash_or_a_retry()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(400, """{"error":{"message":"Your request was rejected by our safety system.","code":"content_policy_violation"}}""");
        var c = (await TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token)).Single();
        Assert.Equal(CompletionKind.PolicyBlocked, c.Kind);
        Assert.Contains("safety system", c.Refusal);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task Usage_and_latency_are_recorded()
    {
        await using var server = await FakeModelServer.StartAsync();
        var client = TestModels.Client(server);
        var c = (await client.SampleAsync(TestModels.Ask(), cancellationToken: Token)).Single();
        Assert.Equal((11L, 7L), (c.InputTokens!.Value, c.OutputTokens!.Value));
        var usage = client.Usage.Snapshot();
        Assert.Equal((1L, 11L, 7L), (usage.Requests, usage.InputTokens, usage.OutputTokens));
        Assert.True(usage.MeanLatency > TimeSpan.Zero);
    }
}
