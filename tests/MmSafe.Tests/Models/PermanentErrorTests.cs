using MmSafe.Models;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class PermanentErrorTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_401_fails_at_once_and_names_the_variable_not_the_key()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(401, "{\"error\":{\"message\":\"Incorrect API key provided: Bearer " + TestModels.Key + "\"}}");
        var e = await Assert.ThrowsAsync<ModelRequestException>(() => TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token));
        Assert.Equal(ModelErrorKind.Unauthorized, e.Kind);
        Assert.Equal(1, server.Count);
        Assert.Contains(TestModels.KeyVariable, e.Message);
        Assert.DoesNotContain(TestModels.Key, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_404_names_the_url_tried_and_the_model()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(404);
        var e = await Assert.ThrowsAsync<ModelRequestException>(() => TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token));
        Assert.Equal(ModelErrorKind.NotFound, e.Kind);
        Assert.Contains($"{server.BaseUrl.ToString().TrimEnd('/')}/chat/completions", e.Message);
        Assert.Contains("'test-model'", e.Message);
        Assert.Equal(1, server.Count);
    }

    [Theory]
    [InlineData(400, ModelErrorKind.BadRequest)]
    [InlineData(403, ModelErrorKind.Forbidden)]
    [InlineData(422, ModelErrorKind.Permanent)]
    public async Task Other_client_errors_fail_at_once(int status, ModelErrorKind kind)
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(status);
        var e = await Assert.ThrowsAsync<ModelRequestException>(() => TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token));
        Assert.Equal(kind, e.Kind);
        Assert.Equal(1, server.Count);
        Assert.Contains("scripted", e.Message); // the server's own message is passed on
    }
}
