using Microsoft.Extensions.AI;
using MmSafe.Images;
using MmSafe.Models;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class AnthropicProviderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ModelClient Client(FakeModelServer server) =>
        new ModelClientFactory(environment: name => name == "ANTHROPIC_TEST_KEY" ? TestModels.Key : null).Create(
            new ModelSpec("claude", ProviderKind.Anthropic, "claude-test")
            {
                BaseUrl = new Uri(server.BaseUrl, ".."), // the SDK adds /v1/messages
                ApiKeyEnv = "ANTHROPIC_TEST_KEY",
                Retry = TestModels.Spec(server).Retry,
            });

    [Fact]
    public async Task Sends_text_and_image_and_reads_the_answer()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Ok("A red square.");
        var png = TinyPng.Solid(4, 4, 255, 0, 0);
        var completion = (await Client(server).SampleAsync([new ChatMessage(ChatRole.User, [new TextContent("Colour?"), new DataContent(png, "image/png")])],
            cancellationToken: Token)).Single();
        Assert.Equal("A red square.", completion.Text);
        Assert.Equal((5L, 3L), (completion.InputTokens!.Value, completion.OutputTokens!.Value));
        var request = server.Received.Single();
        Assert.Equal("/v1/messages", request.Path);
        var image = request.Body!["messages"]![0]!["content"]!.AsArray().Single(p => p!["type"]!.GetValue<string>() == "image")!;
        Assert.Equal("image/png", image["source"]!["media_type"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(png), image["source"]!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_map_to_ours_retrying_529_and_failing_fast_on_401()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Status(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));
        server.Default = FakeReply.Status(401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""");
        var e = await Assert.ThrowsAsync<ModelRequestException>(() => Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token));
        Assert.Equal(ModelErrorKind.Unauthorized, e.Kind);
        Assert.Contains("ANTHROPIC_TEST_KEY", e.Message);
        Assert.Equal(2, server.Count);
    }
}
