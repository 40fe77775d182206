using System.Text.Json.Nodes;
using MmSafe.Images;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Models;

/// <summary>
/// The request bodies a reasoning target gets, pinned byte for byte (as JSON) through the real command line: an OpenAI
/// reasoning model with temperature and top_p unset, an allowance and an effort; Anthropic with a thinking budget; a
/// vLLM thinking model with thinking switched off by <c>enable_thinking: false</c>.
/// </summary>
public sealed class ReasoningGoldenRequestTests
{
    [Theory]
    [InlineData("vlsbench-openai-reasoning", "openai", "    model: gpt-5-mini\n    max_tokens_field: max_completion_tokens\n", "--unset;temperature,top_p;--reasoning-allowance;1024;--reasoning-effort;low")]
    [InlineData("vlsbench-anthropic-thinking", "anthropic", "    provider: anthropic\n    model: claude-thinker\n", "--unset;temperature,top_p;--reasoning-allowance;2048")]
    [InlineData("vlsbench-vllm-no-thinking", "vllm", "    model: Qwen/Qwen3-VL-8B-Thinking\n    enable_thinking: false\n", "")]
    public async Task A_reasoning_targets_request_matches_its_golden_body(string golden, string kind, string entry, string flags)
    {
        using var dir = new TempDir();
        dir.Json("vls/data.json", new[] { Fixtures.VlsBench(0) });
        dir.File("vls/imgs/0.png", TinyPng.Solid(2, 2, 30, 200, 30));
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = kind switch
        {
            "openai" => ReasoningServers.OpenAIReasoning(),
            "anthropic" => ReasoningServers.AnthropicThinking(),
            _ => ReasoningServers.VllmThinking(),
        };
        var root = kind == "anthropic" ? new Uri(server.BaseUrl, "..").ToString() : server.BaseUrl.ToString();
        var models = dir.File("models.yaml", $"models:\n  t:\n{entry}    base_url: {root}\n");
        string[] extra = flags.Length == 0 ? [] : flags.Split(';');
        var run = await Support.Cli.RunAsync(["run", "vlsbench", "--data", dir.Full("vls"), "--models-file", models, "--model", "t", "--judge", "mock",
            "--out", dir.Full("run"), "--cache", "off", "--json", .. extra]);

        Assert.True(run.ExitCode == 0, run.Error);
        var body = Assert.Single(server.Received).Body!;
        Golden.Match(golden, body);
    }

    // The batch path writes each request with the same writer and endpoint: its body is the single request's, golden file and all.
    [Theory]
    [InlineData("vlsbench-openai-reasoning", "    model: gpt-5-mini\n    max_tokens_field: max_completion_tokens\n", "--unset;temperature,top_p;--reasoning-allowance;1024;--reasoning-effort;low")]
    [InlineData("vlsbench-anthropic-thinking", "    provider: anthropic\n    model: claude-thinker\n", "--unset;temperature,top_p;--reasoning-allowance;2048")]
    [InlineData("vlsbench-vllm-no-thinking", "    model: Qwen/Qwen3-VL-8B-Thinking\n    enable_thinking: false\n", "")]
    public async Task A_batched_request_has_the_same_body(string golden, string entry, string flags)
    {
        using var dir = new TempDir();
        dir.Json("vls/data.json", new[] { Fixtures.VlsBench(0) });
        dir.File("vls/imgs/0.png", TinyPng.Solid(2, 2, 30, 200, 30));
        await using var batches = await FakeBatchServer.StartAsync();
        var root = entry.Contains("anthropic", StringComparison.Ordinal) ? batches.Root : batches.BaseUrl;
        var models = dir.File("models.yaml", $"models:\n  t:\n{entry}    base_url: {root}\n");
        string[] extra = flags.Length == 0 ? [] : flags.Split(';');
        var run = await Support.Cli.RunAsync(["run", "vlsbench", "--data", dir.Full("vls"), "--models-file", models, "--model", "t", "--judge", "mock",
            "--out", dir.Full("run"), "--cache", "off", "--json", "--batch", "target", "--batch-poll", "0.05", .. extra]);

        Assert.True(run.ExitCode == 0, run.Error);
        Golden.Match(golden, Assert.Single(batches.Bodies));
    }
}
