using Microsoft.Extensions.Logging;
using MmSafe.Models;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class SecretTests
{
    [Fact]
    public async Task The_key_never_appears_in_logs_even_when_the_server_echoes_it()
    {
        await using var server = await FakeModelServer.StartAsync();
        var echo = "{\"error\":{\"message\":\"rate limited for key " + TestModels.Key + " (Authorization: Bearer " + TestModels.Key + ")\"}}";
        server.Script(FakeReply.Status(429, echo), FakeReply.Status(500, echo));
        server.Default = FakeReply.Status(401, echo);
        var capture = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        var client = TestModels.Client(server, loggers: loggers);

        var e = await Assert.ThrowsAsync<ModelRequestException>(() => client.SampleAsync(TestModels.Ask(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(3, server.Count); // 429, 500, then 401 stops it
        Assert.NotEmpty(capture.Lines);
        Assert.Contains("rate limited for key", capture.All); // the server's message is logged…
        Assert.DoesNotContain(TestModels.Key, capture.All, StringComparison.Ordinal); // …without the key
        Assert.DoesNotContain(TestModels.Key, e.Message, StringComparison.Ordinal);
        Assert.Contains("[REDACTED]", capture.All);
    }

    [Theory]
    [InlineData("Authorization: Bearer sk-abcdefghijklmnop", "Authorization: Bearer [REDACTED]")]
    [InlineData("x-api-key: sk-ant-abcdefghijklmnop", "x-api-key: [REDACTED]")]
    [InlineData("key=MYKEY123 end", "key=[REDACTED] end")]
    public void Redaction_removes_known_keys_and_bearer_tokens(string text, string expected) =>
        Assert.Equal(expected, Secrets.Redact(text, "MYKEY123"));
}
