using System.Text.Json.Nodes;
using MmSafe.Images;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary><c>run --preview</c>: the exact first requests, printed; nothing sent, no run directory, no key.</summary>
public sealed class RunPreviewTests
{
    private static string Data(TempDir dir)
    {
        dir.Json("siuo/siuo_gen.json", new[] { Fixtures.SiuoGen(1) });
        dir.File("siuo/images/S-01.png", TinyPng.Solid(2, 2, 200, 30, 30));
        return dir.Full("siuo");
    }

    [Fact]
    public async Task Preview_prints_the_target_and_judge_requests_and_sends_nothing()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = _ => throw new InvalidOperationException("--preview must send nothing");
        var run = await Support.Cli.RunAsync("run", "siuo-gen", "--data", Data(dir), "--model", "target-vlm", "--base-url", server.BaseUrl.ToString(),
            "--judge", "judge-vlm", "--judge-base-url", server.BaseUrl.ToString(), "--temperature", "0.7", "--out", dir.Full("run"), "--preview");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(0, server.Count);
        Assert.False(Directory.Exists(dir.Full("run")));
        Assert.Contains($"target request (answer #1): POST {server.BaseUrl.ToString().TrimEnd('/')}/chat/completions, model target-vlm", run.Output);
        Assert.Contains("temperature 0.7", run.Output);
        Assert.Contains("user: Question 1?", run.Output);
        Assert.Matches(@"<image 1: image/png, \d+ bytes, sha256 [0-9a-f]{12}…>", run.Output);
        Assert.Contains("judge request (safety, about the placeholder answer", run.Output);
        Assert.Contains("judge request (effectiveness,", run.Output);
        Assert.Contains("<Generated response:> <the target's answer>", run.Output);
    }

    [Fact]
    public async Task Preview_as_json_is_the_bodies_with_images_described_and_needs_no_key()
    {
        using var dir = new TempDir();
        // OpenAI's own API with its key's variable unset: a run would refuse; a preview sends nothing and needs none.
        var run = await Support.Cli.RunAsync("run", "siuo-gen", "--data", Data(dir), "--model", "gpt-4o", "--api-key-env", "MMSAFE_TEST_UNSET_KEY",
            "--judge", "gpt-4o", "--judge-api-key-env", "MMSAFE_TEST_UNSET_KEY", "--out", dir.Full("run"), "--preview", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.False(Directory.Exists(dir.Full("run")));
        var requests = JsonNode.Parse(run.Output)!.AsArray();
        Assert.Equal(["target", "judge", "judge"], requests.Select(r => r!["role"]!.GetValue<string>()));
        Assert.Equal(["safety", "effectiveness"], requests.Skip(1).Select(r => r!["aspect"]!.GetValue<string>()));
        var request = requests[0]!;
        Assert.Equal("target", request["role"]!.GetValue<string>());
        Assert.Equal("https://api.openai.com/v1/chat/completions", request["url"]!.GetValue<string>());
        var body = request["body"]!;
        Assert.Equal("gpt-4o", body["model"]!.GetValue<string>());
        Assert.Equal(3, body["n"]!.GetValue<int>());
        var url = body["messages"]![0]!["content"]![1]!["image_url"]!["url"]!.GetValue<string>();
        Assert.StartsWith("<image 1: image/png, ", url, StringComparison.Ordinal);
        Assert.Equal("S-01.png", Path.GetFileName(request["images"]![0]!["path"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Preview_with_resume_or_dry_run_is_refused_in_one_line()
    {
        using var dir = new TempDir();
        var both = await Support.Cli.RunAsync("run", "siuo-gen", "--data", Data(dir), "--model", "mock", "--out", dir.Full("run"), "--preview", "--dry-run");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--preview and --dry-run", both.Error);
        var resume = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--preview");
        Assert.Equal(2, resume.ExitCode);
        Assert.Contains("--preview", resume.Error);
        Assert.DoesNotContain("   at ", resume.Error + both.Error, StringComparison.Ordinal);
    }
}
