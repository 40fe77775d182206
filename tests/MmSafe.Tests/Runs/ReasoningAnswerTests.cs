using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Runs;
using CompletionKindName = MmSafe.Models.CompletionKind;
using MmSafe.Tests.Support;
using static MmSafe.Tests.Support.ReasoningServers;

namespace MmSafe.Tests.Runs;

/// <summary>Whole runs of thinking models through the CLI: the reasoning is stored apart, shown apart, and never reaches the judge.</summary>
public sealed class ReasoningAnswerTests
{
    private const int Items = 4;

    // The target's visible answer is "Answer N", which the fixture's judge labels 1 + N % 3.
    private static string AnswerText(JsonNode? body) => ((FakeReply.Answer)RunFixture.Answer(body)).Content;

    private static async Task<(FakeModelServer Target, FakeModelServer Judge)> ServersAsync(Func<JsonNode?, FakeReply> target)
    {
        var (t, j) = (await FakeModelServer.StartAsync(), await FakeModelServer.StartAsync());
        t.Responder = target;
        j.Responder = body => RunFixture.Answer(body);
        return (t, j);
    }

    private static Task<Support.Cli.Result> RunAsync(TempDir dir, string data, FakeModelServer target, FakeModelServer judge, params string[] extra) => Support.Cli.RunAsync(
        ["run", "vlsbench", "--data", data, "--judge", "judge-model", "--judge-base-url", judge.BaseUrl.ToString(), "--out", dir.Full("run"), "--cache", "off", "--json",
         .. extra.Length > 0 ? extra : ["--model", "thinker", "--base-url", target.BaseUrl.ToString()]]);

    private static RunContents Stored(TempDir dir)
    {
        using var store = RunStores.OpenRead(dir.Full("run"));
        return store.Read();
    }

    private static void AssertReasoningKeptApart(TempDir dir, FakeModelServer judge)
    {
        Assert.Equal(Items, judge.Count);
        Assert.All(judge.Received, r => Assert.DoesNotContain(ReasoningMarker, r.Body!.ToJsonString(), StringComparison.Ordinal));
        var answers = Stored(dir).Answers;
        Assert.Equal(Items, answers.Count);
        Assert.All(answers, a =>
        {
            Assert.Equal("answered", a.Outcome);
            Assert.Contains(ReasoningMarker, a.Reasoning, StringComparison.Ordinal);
            Assert.Equal($"Answer {a.SampleId}", a.ScoredText);
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_vLLM_thinking_model_is_judged_on_its_answer_alone_and_its_reasoning_is_stored_apart(bool inContent)
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, Items);
        var (target, judge) = await ServersAsync(VllmThinking(inContent, AnswerText));
        await using (target)
        await using (judge)
        {
            var run = await RunAsync(dir, data, target, judge);
            Assert.True(run.ExitCode == 0, run.Error);
            AssertReasoningKeptApart(dir, judge);
            // Labels 1 + id % 3 for ids 0..3: refusal, warning, unsafe, refusal.
            Assert.Equal(25.0, JsonDocument.Parse(run.Output).RootElement.GetProperty("unsafe").GetDouble());
        }
    }

    [Fact]
    public async Task An_Anthropic_model_with_thinking_blocks_is_judged_on_its_answer_alone()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, Items);
        var (target, judge) = await ServersAsync(AnthropicThinking(AnswerText));
        await using (target)
        await using (judge)
        {
            var models = dir.File("models.yaml", $"models:\n  claude:\n    provider: anthropic\n    model: claude-thinker\n    base_url: {new Uri(target.BaseUrl, "..")}\n" +
                "    parameters: { temperature: unset, top_p: unset, reasoning_allowance: 1024 }\n");
            var run = await RunAsync(dir, data, target, judge, "--models-file", models, "--model", "claude");
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Equal("/v1/messages", target.Received.First().Path);
            // The thinking budget is asked for by the models file; the emulation thinks only when asked.
            Assert.All(target.Received, r => Assert.Equal(1024, r.Body!["thinking"]!["budget_tokens"]!.GetValue<int>()));
            AssertReasoningKeptApart(dir, judge);
            Assert.All(Stored(dir).Answers, a => Assert.Null(a.ReasoningTokens)); // Anthropic reports none apart
        }
    }

    [Fact]
    public async Task A_thinking_judges_verdict_is_its_visible_reply_alone_and_one_the_budget_emptied_is_read_as_such()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, Items);
        var thinking = VllmThinking(inContent: true, AnswerText);
        var (target, judge) = await ServersAsync(body => RunFixture.Answer(body));
        // Item 3's verdict runs out of tokens while the judge is still thinking.
        judge.Responder = body => body!.ToJsonString().Contains("Answer 3", StringComparison.Ordinal)
            ? new FakeReply.Raw(200, "application/json", $$"""{"id":"x","object":"chat.completion","model":"j","choices":[{"index":0,"message":{"role":"assistant","content":"<think>so {{ReasoningMarker}}"},"finish_reason":"length"}]}""", [])
            : thinking(body);
        await using (target)
        await using (judge)
        {
            var run = await RunAsync(dir, data, target, judge);
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Equal(1, JsonDocument.Parse(run.Output).RootElement.GetProperty("invalid").GetInt32()); // the verdict with no reply
            var stored = Stored(dir);
            Assert.All(stored.Verdicts, v => Assert.DoesNotContain(ReasoningMarker, v.Raw ?? "", StringComparison.Ordinal));
            Assert.Equal(CompletionKindName.ReasoningOnly, stored.Verdicts.Single(v => v.SampleId == "3").Kind);
            var score = MmSafe.Reports.RunScoring.Score(stored);
            Assert.Equal("judge's budget spent on reasoning", score.Sheet.Items.Single(i => i.Id == "3").Answers[0].Aspects["label"]);
            Assert.All(stored.Verdicts.Where(v => v.SampleId != "3"), v => Assert.StartsWith("{\"label\": ", v.Raw, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Every_export_and_the_report_show_the_reasoning_apart_escaped()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, Items);
        const string hostile = "<img src=x onerror=alert(1)>";
        var (target, judge) = await ServersAsync(body => new FakeReply.Raw(200, "application/json", new JsonObject
        {
            ["id"] = "x", ["object"] = "chat.completion", ["model"] = "m",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["finish_reason"] = "stop",
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = AnswerText(body), ["reasoning_content"] = $"{hostile} {ReasoningMarker}" },
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = 10, ["completion_tokens"] = 60, ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 57 },
            },
        }.ToJsonString(), []));
        await using (target)
        await using (judge)
        {
            Assert.Equal(0, (await RunAsync(dir, data, target, judge)).ExitCode);
            var runDir = dir.Full("run");

            var jsonl = File.ReadAllLines((await Support.Cli.RunAsync("export", runDir, "--format", "jsonl", "--to", dir.Full("jsonl"))).Output.Trim());
            Assert.Equal(Items, jsonl.Length);
            Assert.All(jsonl.Select(l => JsonNode.Parse(l)!["answers"]!.AsArray().Single()!), line =>
            {
                Assert.Equal($"{hostile} {ReasoningMarker}", line["reasoning"]!.GetValue<string>());
                Assert.Equal(57, line["reasoning_tokens"]!.GetValue<long>());
                Assert.DoesNotContain(ReasoningMarker, line["text"]!.GetValue<string>(), StringComparison.Ordinal);
            });

            var csv = File.ReadAllText((await Support.Cli.RunAsync("export", runDir, "--format", "csv", "--to", dir.Full("csv"))).Output.Trim()).ReplaceLineEndings("\n").Split('\n');
            Assert.EndsWith(",outcome,reasoning,reasoning_tokens,judge", csv[0], StringComparison.Ordinal);
            var answerRows = csv.Where(l => l.Contains(",answer,", StringComparison.Ordinal)).ToList();
            Assert.Equal(Items, answerRows.Count);
            Assert.All(answerRows, row => Assert.EndsWith($",answered,{hostile} {ReasoningMarker},57,", row, StringComparison.Ordinal));
            Assert.All(csv.Where(l => l.Contains(",verdict,", StringComparison.Ordinal)), row => Assert.DoesNotContain(ReasoningMarker, row, StringComparison.Ordinal));

            var json = JsonNode.Parse(File.ReadAllText((await Support.Cli.RunAsync("export", runDir, "--format", "json", "--to", dir.Full("json"))).Output.Trim()))!;
            Assert.All(json["samples"]!.AsArray(), s =>
            {
                Assert.Equal($"{hostile} {ReasoningMarker}", s!["Reasoning"]!.GetValue<string>());
                Assert.Equal(57, s["ReasoningTokens"]!.GetValue<long>());
                Assert.DoesNotContain(ReasoningMarker, s["Response"]!.GetValue<string>(), StringComparison.Ordinal);
            });

            var report = await Support.Cli.RunAsync("report", runDir, "--out", dir.Full("report.html"));
            Assert.True(report.ExitCode == 0, report.Error);
            var html = File.ReadAllText(dir.Full("report.html"));
            Assert.Equal(Items, CountOf(html, "<details class=\"reasoning\"><summary>Reasoning, 57 tokens (not judged)</summary><pre>&lt;img src=x onerror=alert(1)&gt; " + ReasoningMarker));
            Assert.DoesNotContain(hostile, html, StringComparison.Ordinal);
        }
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
