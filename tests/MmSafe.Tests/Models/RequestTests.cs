using Microsoft.Extensions.AI;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Images;
using MmSafe.Models;
using MmSafe.Models.Middleware;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

public sealed class RequestTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_image_travels_as_a_data_url_with_the_media_type_from_its_bytes()
    {
        using var dir = new TempDir();
        var jpeg = TestImages.Jpeg(16, 16);
        dir.File("imgs/0.png", jpeg); // a JPEG named .png
        dir.Json("data.json", new[] { Fixtures.VlsBench(0) });
        var image = await VlsBenchDataset.Load(dir.Path).Items[0].Image.ReadAsync(Token);
        await using var server = await FakeModelServer.StartAsync();
        var client = TestModels.Client(server, s => s with { ImageDetail = "low" });

        await client.SampleAsync([new ChatMessage(ChatRole.User, [new TextContent("What is this?"), image.ToDataContent()])], cancellationToken: Token);

        var parts = server.Received.Single().Body!["messages"]![0]!["content"]!.AsArray();
        Assert.Equal("What is this?", parts[0]!["text"]!.GetValue<string>());
        var imageUrl = parts[1]!["image_url"]!;
        Assert.Equal("data:image/jpeg;base64," + Convert.ToBase64String(jpeg), imageUrl["url"]!.GetValue<string>());
        Assert.Equal("low", imageUrl["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_image_without_a_detail_setting_is_sent_without_one()
    {
        await using var server = await FakeModelServer.StartAsync();
        var png = TinyPng.Solid(4, 4, 0, 0, 255);
        await TestModels.Client(server).SampleAsync([new ChatMessage(ChatRole.User, [new DataContent(png, "image/png"), new TextContent("Colour?")])], cancellationToken: Token);
        var imageUrl = server.Received.Single().Body!["messages"]![0]!["content"]![0]!["image_url"]!;
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), imageUrl["url"]!.GetValue<string>());
        Assert.Null(imageUrl["detail"]);
    }

    [Fact]
    public async Task Sends_the_decoding_parameters_and_the_system_prompt()
    {
        await using var server = await FakeModelServer.StartAsync();
        var client = TestModels.Client(server, s => s with
        {
            Defaults = new GenerationParameters(Temperature: 0, TopP: 1, MaxTokens: 128, Seed: 42, SystemPrompt: "You are a helpful assistant."),
        });
        await client.SampleAsync(TestModels.Ask(), cancellationToken: Token);
        var body = server.Received.Single().Body!;
        Assert.Equal(0.0, body["temperature"]!.GetValue<double>());
        Assert.Equal(1.0, body["top_p"]!.GetValue<double>());
        Assert.Equal(128, body["max_tokens"]!.GetValue<int>());
        Assert.Equal(42, body["seed"]!.GetValue<long>());
        Assert.Equal("test-model", body["model"]!.GetValue<string>());
        Assert.Equal("system", body["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal("You are a helpful assistant.", body["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Null(body["n"]);
    }

    [Fact]
    public async Task Sends_the_key_as_a_bearer_token()
    {
        await using var server = await FakeModelServer.StartAsync();
        await TestModels.Client(server).SampleAsync(TestModels.Ask(), cancellationToken: Token);
        Assert.Equal($"Bearer {TestModels.Key}", server.Received.Single().Authorization);
    }

    [Fact]
    public async Task Native_n_asks_once_for_all_samples()
    {
        await using var server = await FakeModelServer.StartAsync();
        var client = TestModels.Client(server, s => s with { Choices = ChoicesMode.Native });
        var completions = await client.SampleAsync(TestModels.Ask(), n: 3, cancellationToken: Token);
        Assert.Equal(["Hello. #0", "Hello. #1", "Hello. #2"], completions.Select(c => c.Text));
        Assert.Equal(3, server.Received.Single().Body!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Native_n_tops_up_with_single_requests_when_the_server_ignores_n()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = new FakeReply.Answer("Hi", HonourN: false);
        var client = TestModels.Client(server, s => s with { Choices = ChoicesMode.Native });
        var completions = await client.SampleAsync(TestModels.Ask(), n: 3, cancellationToken: Token);
        Assert.Equal(3, completions.Count);
        Assert.Equal(3, server.Count);
    }

    [Fact]
    public async Task Parallel_n_sends_single_requests_with_distinct_seeds()
    {
        await using var server = await FakeModelServer.StartAsync();
        var client = TestModels.Client(server, s => s with { Defaults = new GenerationParameters(Seed: 10) });
        var completions = await client.SampleAsync(TestModels.Ask(), n: 3, cancellationToken: Token);
        Assert.Equal(3, completions.Count);
        Assert.All(server.Received, r => Assert.Null(r.Body!["n"]));
        Assert.Equal([10L, 11L, 12L], server.Received.Select(r => r.Body!["seed"]!.GetValue<long>()).Order());
    }

    [Fact]
    public async Task Structured_output_is_sent_and_falls_back_to_the_prompt_when_rejected()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script(FakeReply.Status(400, """{"error":{"message":"response_format json_schema is not supported"}}"""));
        var client = TestModels.Client(server);
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"label":{"type":"integer"}}}""").RootElement;
        var format = ChatResponseFormat.ForJsonSchema(schema, "verdict");

        await client.SampleAsync(TestModels.Ask(), format: format, cancellationToken: Token);
        await client.SampleAsync(TestModels.Ask(), format: format, cancellationToken: Token);

        var bodies = server.Received.Select(r => r.Body!).ToList();
        Assert.Equal(3, bodies.Count);
        Assert.Equal("json_schema", bodies[0]["response_format"]!["type"]!.GetValue<string>());
        Assert.Null(bodies[1]["response_format"]); // the same request again, without the format
        Assert.Null(bodies[2]["response_format"]); // and it is not tried again
        Assert.True(client.StructuredOutputUnsupported);
    }

    [Fact]
    public async Task Structured_output_off_never_sends_a_format()
    {
        await using var server = await FakeModelServer.StartAsync();
        var client = TestModels.Client(server, s => s with { StructuredOutput = StructuredOutputMode.Off });
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object"}""").RootElement;
        await client.SampleAsync(TestModels.Ask(), format: ChatResponseFormat.ForJsonSchema(schema, "x"), cancellationToken: Token);
        Assert.Null(server.Received.Single().Body!["response_format"]);
    }

    [Fact]
    public async Task The_concurrency_cap_holds_at_the_server()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Slow(TimeSpan.FromMilliseconds(150));
        var client = TestModels.Client(server, s => s with { Concurrency = 3 });
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.SampleAsync(TestModels.Ask(), cancellationToken: Token)));
        Assert.Equal(12, server.Count);
        Assert.Equal(3, server.MaxInFlight);
    }

    [Fact]
    public async Task The_requests_per_minute_limit_spaces_requests()
    {
        await using var server = await FakeModelServer.StartAsync();
        var client = TestModels.Client(server, s => s with { RequestsPerMinute = 120 }); // a burst of 2, then one per 0.5 s
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.SampleAsync(TestModels.Ask(), cancellationToken: Token)));
        var times = server.Received.Select(r => r.At).Order().ToList();
        Assert.True(times[2] - times[0] >= TimeSpan.FromMilliseconds(400), $"third request after {(times[2] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_mock_model_is_labelled_in_every_answer()
    {
        var client = new ModelClientFactory().Create(ModelSpec.Adhoc("mock"));
        var completion = (await client.SampleAsync(TestModels.Ask(), cancellationToken: Token)).Single();
        Assert.StartsWith("[MOCK]", completion.Text);
        Assert.Equal(ProviderKind.Mock, client.Spec.Provider);
    }
}
