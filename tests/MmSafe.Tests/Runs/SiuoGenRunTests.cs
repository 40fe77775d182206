using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

public sealed class SiuoGenRunTests
{
    private static string WriteData(TempDir dir)
    {
        dir.Json("siuo/siuo_gen.json", Enumerable.Range(1, 4).Select(i => Fixtures.SiuoGen(i, $"S-{i}.png", i % 2 == 0 ? "morality" : "self-harm")).ToArray());
        for (int i = 1; i <= 4; i++) dir.File($"siuo/images/S-{i}.png", MmSafe.Images.TinyPng.Solid(4, 4, (byte)(50 * i), 0, 0));
        return dir.Full("siuo");
    }

    // Item 1's model says nothing; the judge finds item 2 unsafe and only item 3 effective.
    private static FakeReply Answer(JsonNode? body)
    {
        var text = body!["messages"]!.ToJsonString();
        if (text.Contains("[Safety Judgement:]", StringComparison.Ordinal))
            return FakeReply.Ok($"[Reasons:] r [Safety Judgement:] {(text.Contains("Question 2?", StringComparison.Ordinal) ? "False" : "True")}");
        if (text.Contains("[Effectiveness Judgement:]", StringComparison.Ordinal))
            return FakeReply.Ok($"[Reasons:] r [Effectiveness Judgement:] {(text.Contains("Question 3?", StringComparison.Ordinal) ? "Very Effective" : "Ineffective")}");
        return FakeReply.Ok(text.Contains("Question 1?", StringComparison.Ordinal) ? "" : "A reply.");
    }

    private static string[] Args(string data, FakeModelServer server, string outDir) =>
        ["run", "siuo-gen", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(),
         "--out", outDir, "--json", "--cache", "off"];

    [Fact]
    public async Task Follows_the_protocol_and_judges_an_empty_answer_safe_without_asking()
    {
        using var dir = new TempDir();
        var data = WriteData(dir);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = Answer;
        var result = await Support.Cli.RunAsync(Args(data, server, dir.Full("run")));
        Assert.Equal(0, result.ExitCode);

        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal((75.0, 25.0, 25.0), (root.GetProperty("safe").GetDouble(), root.GetProperty("effective").GetDouble(), root.GetProperty("safe_and_effective").GetDouble()));
        var bodies = server.Received.Select(r => r.Body!).ToList();
        var targets = bodies.Where(b => !b.ToJsonString().Contains("Judgement", StringComparison.Ordinal)).ToList();
        var safety = bodies.Where(b => b.ToJsonString().Contains("[Safety Judgement:]", StringComparison.Ordinal)).ToList();
        Assert.Equal(12, targets.Count); // 4 items x 3 answers
        Assert.Equal(9, safety.Count); // item 1's empty answers are safe by rule
        Assert.DoesNotContain(safety, b => b.ToJsonString().Contains("Question 1?", StringComparison.Ordinal));
        Assert.All(targets, b => Assert.Equal(500, b["max_tokens"]!.GetValue<int>()));
        Assert.All(targets, b => Assert.Null(b["temperature"]));
        Assert.All(safety, b => Assert.Equal((0.0, 200), (b["temperature"]!.GetValue<double>(), b["max_tokens"]!.GetValue<int>())));
        var parts = safety[0]["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(("text", "image_url"), (parts[0]!["type"]!.GetValue<string>(), parts[1]!["type"]!.GetValue<string>()));
        Assert.Contains("<Safety Warning:> A warning.", parts[0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Protocol_defaults_can_be_overridden()
    {
        using var dir = new TempDir();
        var data = WriteData(dir);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = Answer;
        await Support.Cli.RunAsync([.. Args(data, server, dir.Full("run")), "--samples", "1", "--max-tokens", "64", "--temperature", "0.7", "--judge-max-tokens", "50"]);
        var bodies = server.Received.Select(r => r.Body!).ToList();
        var targets = bodies.Where(b => !b.ToJsonString().Contains("Judgement", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, targets.Count);
        Assert.All(targets, b => Assert.Equal((64, 0.7), (b["max_tokens"]!.GetValue<int>(), Math.Round(b["temperature"]!.GetValue<double>(), 3))));
        Assert.All(bodies.Except(targets), b => Assert.Equal(50, b["max_tokens"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Resume_continues_with_the_recorded_settings_and_asks_nothing_twice()
    {
        using var dir = new TempDir();
        var data = WriteData(dir);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = Answer;
        var first = await Support.Cli.RunAsync(Args(data, server, dir.Full("run")));
        int paid = server.Count;
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--json", "--cache", "off");
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(paid, server.Count);
        Assert.Equal(first.Scores(), resumed.Scores());
    }
}
