using MmSafe.Models;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class RetryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Retries_500_and_503_then_succeeds()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Status(500), FakeReply.Status(503));
        var completions = await TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token);
        Assert.Equal("Hello.", completions.Single().Text);
        Assert.Equal(3, server.Count);
    }

    [Fact]
    public async Task Retries_are_bounded()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(503);
        var e = await Assert.ThrowsAsync<ModelRequestException>(() => TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token));
        Assert.True(e.IsTransient);
        Assert.Equal(4, server.Count); // the first attempt and MaxRetries = 3
        Assert.Contains("HTTP 503", e.Message);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(429)]
    [InlineData(502)]
    public async Task Retries_the_transient_statuses(int status)
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Status(status));
        await TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token);
        Assert.Equal(2, server.Count);
    }

    [Fact]
    public async Task Honours_retry_after_ms()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Status(429, headers: ("retry-after-ms", "400")));
        await TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token);
        var times = server.Received.Select(r => r.At).ToList();
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(380), $"waited only {(times[1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Honours_retry_after_in_seconds()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Status(429, headers: ("Retry-After", "1")));
        await TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token);
        var times = server.Received.Select(r => r.At).ToList();
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(950), $"waited only {(times[1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_retry_after_beyond_the_limit_fails_instead_of_waiting()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Status(429, headers: ("Retry-After", "3600")));
        var e = await Assert.ThrowsAsync<ModelRequestException>(() => TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token));
        Assert.Contains("asked to wait 3600 s", e.Message);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task Retries_a_dropped_connection()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Drop());
        var completions = await TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token);
        Assert.Equal("Hello.", completions.Single().Text);
        Assert.Equal(2, server.Count);
    }

    [Fact]
    public async Task A_slow_response_times_out_and_the_timeout_is_bounded_too()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Slow(TimeSpan.FromSeconds(20));
        var client = TestModels.Client(server, s => s with { Retry = s.Retry with { MaxRetries = 1, RequestTimeout = TimeSpan.FromMilliseconds(300) } });
        var e = await Assert.ThrowsAsync<ModelRequestException>(() => client.SampleAsync(TestModels.Ask(), cancellationToken: Token));
        Assert.Contains("no response within", e.Message);
        Assert.Equal(2, server.Count);
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("html")]
    public async Task A_malformed_or_html_body_is_a_bounded_transient_failure(string kind)
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = kind == "html" ? FakeReply.Html() : FakeReply.Malformed();
        var e = await Assert.ThrowsAsync<ModelRequestException>(() => TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token));
        Assert.Contains("malformed response body", e.Message);
        Assert.Equal(4, server.Count);
    }

    [Fact]
    public async Task An_html_error_page_is_retried_and_then_succeeds()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Html(502));
        await TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token);
        Assert.Equal(2, server.Count);
    }
}
