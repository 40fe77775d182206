using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

public sealed class ModelsCheckCommandTests
{
    [Fact]
    public async Task Reports_latency_image_n_and_structured_output_of_a_live_endpoint()
    {
        await using var server = await FakeModelServer.StartAsync();
        var result = await Support.Cli.RunAsync("models", "check", "--model", "test-model", "--base-url", server.BaseUrl.ToString(), "--api-key-env", "MMSAFE_NO_SUCH_VAR");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("accepted", result.Output);
        Assert.Contains("yes: 2 choices returned", result.Output);
        var first = server.Received.First().Body!;
        Assert.StartsWith("data:image/png;base64,", first["messages"]![0]!["content"]![1]!["image_url"]!["url"]!.GetValue<string>());
        Assert.Contains(server.Received, r => r.Body!["n"]?.GetValue<int>() == 2);
        Assert.Contains(server.Received, r => r.Body!["response_format"] is not null);
    }

    [Fact]
    public async Task A_wrong_url_exits_2_with_the_url_tried()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(404);
        var result = await Support.Cli.RunAsync("models", "check", "--model", "test-model", "--base-url", server.BaseUrl.ToString());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("404 Not Found", result.Error);
        Assert.Contains("/chat/completions", result.Error);
    }

    [Fact]
    public async Task The_mock_model_is_labelled_as_mock()
    {
        var result = await Support.Cli.RunAsync("models", "check", "--model", "mock", "--judge", "mock");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("mock (offline, canned answers)", result.Output);
        Assert.Contains("[MOCK]", result.Output);
    }

    [Fact]
    public async Task A_bad_base_url_is_an_input_error()
    {
        var result = await Support.Cli.RunAsync("models", "check", "--model", "x", "--base-url", "localhost:8000");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--base-url 'localhost:8000' is not an http(s) URL", result.Error);
    }

    [Fact]
    public async Task No_model_is_an_input_error()
    {
        var result = await Support.Cli.RunAsync("models", "check");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no model given", result.Error);
    }
}
