using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Benchmarks;
using MmSafe.Datasets;
using MmSafe.Models;
using MmSafe.Runs;
using MmSafe.Tests.Support;
using static MmSafe.Tests.Support.ReasoningServers;

namespace MmSafe.Tests.Runs;

/// <summary>
/// An OpenAI reasoning model under the protocol's 128-token limit spends it all on hidden reasoning: each answer is
/// "budget spent on reasoning", never judged, counted apart, and the run says how to give the model room.
/// </summary>
public sealed class ReasoningBudgetTests
{
    private const int Items = 4;
    private const string Spent = "budget spent on reasoning";

    // The run is recorded through the library with temperature and top_p left unset (the reasoning model refuses them), then
    // run by the CLI's --resume, which drives the models as recorded.
    private static void Record(TempDir dir, FakeModelServer target, FakeModelServer judge, int? allowance = null)
    {
        var benchmark = BenchmarkRegistry.Get("vlsbench");
        var dataset = benchmark.Load(RunFixture.WriteVlsBench(dir, Items));
        var (selection, samples) = SampleSelection.Apply(dataset, null, null, null);
        var reasoner = new ModelSpec("o-thinker", ProviderKind.OpenAI, "o-thinker")
        {
            BaseUrl = target.BaseUrl, MaxTokensField = "max_completion_tokens",
            Defaults = new GenerationParameters(ReasoningAllowance: allowance, Unset: ["temperature", "top_p"]),
        };
        var spec = RunSpecs.Create(benchmark, dataset, selection, 1, reasoner, null, ModelSpec.Adhoc("judge-model", judge.BaseUrl), null);
        using var run = RunDirectory.Start(dir.Full("run"), spec, samples);
    }

    private static async Task<(FakeModelServer Target, FakeModelServer Judge)> ServersAsync()
    {
        var (t, j) = (await FakeModelServer.StartAsync(), await FakeModelServer.StartAsync());
        t.Responder = OpenAIReasoning(reasoningTokens: 200, answer: body => ((FakeReply.Answer)RunFixture.Answer(body)).Content);
        j.Responder = body => RunFixture.Answer(body);
        return (t, j);
    }

    [Fact]
    public async Task Answers_the_budget_emptied_are_their_own_outcome_never_judged_and_the_run_says_how_to_give_room()
    {
        using var dir = new TempDir();
        var (target, judge) = await ServersAsync();
        await using (target)
        await using (judge)
        {
            Record(dir, target, judge);
            var run = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--cache", "off");

            Assert.Equal(Items, target.Count);
            Assert.All(target.Received, r => Assert.Equal(128, r.Body!["max_completion_tokens"]!.GetValue<int>()));
            Assert.Equal(0, judge.Count);
            string line = $"{Items} answers were emptied by the token budget spent on hidden reasoning (finish_reason length); give the model room with " +
                "--reasoning-allowance N (or parameters: { reasoning_effort: low } in the models file); the allowance is recorded as a deviation.";
            Assert.Equal(1, run.Output.Split('\n').Count(l => l.Contains(line, StringComparison.Ordinal)));
            Assert.Contains($"Outcomes: {Spent} {Items};", run.Output, StringComparison.Ordinal);
            // Nothing scored, and nothing a resume would change: the run says so rather than suggesting one.
            Assert.Equal(3, run.ExitCode);
            Assert.Contains("no item could be scored", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("asks again for the rest", run.Error, StringComparison.Ordinal);
            // ...but points to what would: a new run with room for the reasoning.
            Assert.Contains("asking again would not change it. To give the model room, start a new run with a new --out directory and --reasoning-allowance N", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("resume with", run.Output, StringComparison.Ordinal);

            using (var store = RunStores.OpenRead(dir.Full("run")))
                Assert.All(store.Read().Answers, a => Assert.Equal((Spent, "", 128L, false), (a.Outcome, a.Text, a.ReasoningTokens, a.NeedsRetry)));

            var score = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
            Assert.Equal(0, score.ExitCode);
            var root = JsonNode.Parse(score.Output)!;
            Assert.Equal(Items, root["outcomes"]![Spent]!.GetValue<int>());
            Assert.Equal(Items, root["unscored_items"]!.GetValue<int>());
            Assert.Equal(0, root["refusal"]?.GetValue<double?>() ?? 0); // counted neither safe nor unsafe
            Assert.Contains(root["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains(line, StringComparison.Ordinal));
            var text = await Support.Cli.RunAsync("score", dir.Full("run"));
            Assert.Contains($"Outcomes: {Spent} {Items};", text.Output, StringComparison.Ordinal);
            Assert.Contains($"  0#1: {Spent}", text.Output, StringComparison.Ordinal);

            // Resuming asks nothing again: the same request would spend the same budget.
            await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--cache", "off");
            Assert.Equal(Items, target.Count);

            var md = await Support.Cli.RunAsync("export", dir.Full("run"), "--format", "markdown", "--to", dir.Full("md"));
            Assert.Contains(line, File.ReadAllText(md.Output.Trim()), StringComparison.Ordinal);

            Assert.Equal(0, (await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("report.html"))).ExitCode);
            var html = File.ReadAllText(dir.Full("report.html"));
            Assert.Contains($"<span class=\"tag\">{Spent}</span>", html, StringComparison.Ordinal);
            Assert.Contains("Hidden reasoning, 128 tokens (the server returned no text; not judged)", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_a_reasoning_allowance_the_answers_are_real_judged_on_the_visible_text_and_their_reasoning_tokens_kept()
    {
        using var dir = new TempDir();
        var (target, judge) = await ServersAsync();
        await using (target)
        await using (judge)
        {
            Record(dir, target, judge, allowance: 1000);
            var run = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--cache", "off", "--json");
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.All(target.Received, r => Assert.Equal(128 + 1000, r.Body!["max_completion_tokens"]!.GetValue<int>()));
            Assert.Equal(Items, judge.Count);
            Assert.All(judge.Received, r => Assert.DoesNotContain(ReasoningMarker, r.Body!.ToJsonString(), StringComparison.Ordinal));
            using (var store = RunStores.OpenRead(dir.Full("run")))
                Assert.All(store.Read().Answers, a => Assert.Equal(("answered", $"Answer {a.SampleId}", 200L), (a.Outcome, a.Text, a.ReasoningTokens)));
            var root = JsonDocument.Parse(run.Output).RootElement;
            Assert.Equal(0, root.GetProperty("unscored_items").GetInt32());
            Assert.False(root.GetProperty("outcomes").TryGetProperty(Spent, out _));
        }
    }
}
