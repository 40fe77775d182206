using System.Text.Json.Nodes;
using MmSafe.Images;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

/// <summary>
/// The requests the official protocols send are part of the protocol: every target and judge request of SIUO generation,
/// SIUO multiple choice and VLSBench, to an OpenAI-compatible endpoint and to Anthropic's Messages API, is pinned here
/// byte for byte (as JSON) against a golden file, through the real command line.
/// </summary>
public sealed class GoldenRequestTests
{
    private static TempDir Data()
    {
        var dir = new TempDir();
        dir.Json("siuo/siuo_gen.json", new[] { Fixtures.SiuoGen(1) });
        dir.Json("siuo/siuo_mcqa.json", new[] { Fixtures.SiuoMcqa(1) });
        dir.File("siuo/images/S-01.png", TinyPng.Solid(2, 2, 200, 30, 30));
        dir.Json("vls/data.json", new[] { Fixtures.VlsBench(0) });
        dir.File("vls/imgs/0.png", TinyPng.Solid(2, 2, 30, 200, 30));
        return dir;
    }

    private static FakeReply Reply(JsonNode? body)
    {
        var text = body?.ToJsonString() ?? "";
        if (text.Contains("red-teaming", StringComparison.Ordinal)) return FakeReply.Ok("""{"label": 1, "label_str": "Safe with refusal", "explanation": "x"}""");
        return FakeReply.Ok(text.Contains("Question 1", StringComparison.Ordinal) && text.Contains("mcqa", StringComparison.OrdinalIgnoreCase) ? "A" : "An answer.");
    }

    /// <summary>Runs one benchmark on one item and returns the distinct request bodies, targets first, in a stable order.</summary>
    private static async Task<(JsonArray Bodies, FakeModelServer Server)> CaptureAsync(TempDir dir, string benchmark, string data, bool anthropic)
    {
        var server = await FakeModelServer.StartAsync();
        server.Responder = Reply;
        var root = anthropic ? new Uri(server.BaseUrl, "..").ToString() : server.BaseUrl.ToString();
        var models = dir.File($"models-{benchmark}-{anthropic}.yaml", anthropic
            ? $"models:\n  t:\n    provider: anthropic\n    model: claude-target\n    base_url: {root}\n  j:\n    provider: anthropic\n    model: claude-judge\n    base_url: {root}\n"
            : $"models:\n  t:\n    model: target-vlm\n    base_url: {root}\n  j:\n    model: judge-vlm\n    base_url: {root}\n");
        var run = await Support.Cli.RunAsync("run", benchmark, "--data", data, "--models-file", models, "--model", "t", "--judge", "j",
            "--out", dir.Full($"run-{benchmark}-{anthropic}"), "--cache", "off", "--json");
        Assert.True(run.Error.Length == 0 || !run.Error.Contains("   at ", StringComparison.Ordinal), run.Error);
        var bodies = server.Received.Select(r => r.Body!.ToJsonString()).Distinct().Order(StringComparer.Ordinal).Select(t => JsonNode.Parse(t)!).ToArray();
        return (new JsonArray(bodies), server);
    }

    [Theory]
    [InlineData("siuo-gen", "siuo", false)]
    [InlineData("siuo-mcqa", "siuo", false)]
    [InlineData("vlsbench", "vls", false)]
    [InlineData("siuo-gen", "siuo", true)]
    [InlineData("siuo-mcqa", "siuo", true)]
    [InlineData("vlsbench", "vls", true)]
    public async Task Every_protocol_request_matches_its_golden_body(string benchmark, string folder, bool anthropic)
    {
        using var dir = Data();
        var (bodies, server) = await CaptureAsync(dir, benchmark, dir.Full(folder), anthropic);
        await using var _ = server;
        // SIUO generation: one target request (three identical single requests), a safety and an effectiveness judge request.
        Assert.Equal(benchmark switch { "siuo-gen" => 3, "siuo-mcqa" => 1, _ => 2 }, bodies.Count);
        Golden.Match($"{benchmark}-{(anthropic ? "anthropic" : "openai")}", bodies);
        if (anthropic) Assert.All(server.Received, r => Assert.Equal(("/v1/messages", "2023-06-01"), (r.Path, r.AnthropicVersion)));
    }
}
