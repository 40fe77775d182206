using System.Text.Json;
using Microsoft.Extensions.AI;
using MmSafe.Models;
using MmSafe.Models.Providers;

namespace MmSafe.Tests.Models;

public sealed class ChatRequestContentTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(49151)]
    [InlineData(49152)]   // exactly one encoding chunk
    [InlineData(49153)]
    [InlineData(300 * 1024)]
    public async Task Images_are_encoded_exactly_and_the_length_is_announced_exactly(int size)
    {
        var first = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        var second = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 };
        var message = new ChatMessage(ChatRole.User, [new DataContent(first, "image/png"), new TextContent("Two \"images\"\n"), new DataContent(second, "image/jpeg")]);
        var endpoint = new ModelEndpoint("m", new Uri("http://127.0.0.1/v1/"), "K", null) { ImageDetail = "high" };
        using var content = OpenAIRequest.Build([new ChatMessage(ChatRole.System, "sys"), message], new ChatOptions { MaxOutputTokens = 5 }, endpoint);

        using var stream = new MemoryStream();
        await content.WriteToAsync(stream, TestContext.Current.CancellationToken);
        Assert.True(content.TryComputeLength(out var length));
        Assert.Equal(stream.Length, length);

        using var json = JsonDocument.Parse(stream.ToArray());
        var parts = json.RootElement.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(first), parts[0].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("high", parts[0].GetProperty("image_url").GetProperty("detail").GetString());
        Assert.Equal("Two \"images\"\n", parts[1].GetProperty("text").GetString());
        Assert.Equal("data:image/jpeg;base64," + Convert.ToBase64String(second), parts[2].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("max_tokens").GetInt32());
    }
}
