using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>A reasoning model as the target of a full VLSBench run: its parameters left unset, a reasoning budget, every departure shown.</summary>
public sealed class ReasoningRunTests
{
    private static string AnswerFor(JsonNode? body) => ((FakeReply.Answer)RunFixture.Answer(body)).Content;

    private static async Task<(FakeModelServer Target, FakeModelServer Judge, string Models)> ServersAsync(TempDir dir)
    {
        var target = await FakeModelServer.StartAsync();
        target.Responder = ReasoningServers.OpenAIReasoning(reasoningTokens: 200, answer: AnswerFor);
        var judge = await FakeModelServer.StartAsync();
        judge.Responder = b => RunFixture.Answer(b);
        var models = dir.File("models.yaml", $"""
            models:
              gpt5:
                model: gpt-5-mini
                base_url: {target.BaseUrl}
                max_tokens_field: max_completion_tokens
              j:
                model: judge-vlm
                base_url: {judge.BaseUrl}
            """);
        return (target, judge, models);
    }

    [Fact]
    public async Task Runs_vlsbench_against_a_reasoning_model_with_temperature_unset_and_an_allowance_and_shows_the_deviations()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        var (target, judge, models) = await ServersAsync(dir);
        await using var _ = target;
        await using var __ = judge;

        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "gpt5", "--judge", "j",
            "--unset", "temperature,top_p", "--reasoning-allowance", "1024", "--out", dir.Full("run"), "--cache", "off", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("target temperature not sent (protocol: 0)", run.Error);
        var sent = target.Received.Select(r => r.Body!).ToList();
        Assert.Equal(3, sent.Count); // nothing refused, nothing sent again
        Assert.All(sent, b => Assert.Equal((null, null, 1152), (b["temperature"], b["top_p"], b["max_completion_tokens"]!.GetValue<int>())));
        Assert.Equal(3, judge.Received.Count);
        Assert.All(judge.Received, r => Assert.Matches("Answer \\d", r.Body!.ToJsonString()));
        using (var stored = RunDirectory.Open(dir.Full("run")))
        {
            var recorded = stored.Spec.Target.Parameters;
            Assert.Equal((null, null, 128, 1024), (recorded.Temperature, recorded.TopP, recorded.MaxTokens, recorded.ReasoningAllowance));
            Assert.All(stored.Store.Read().Answers, a => Assert.StartsWith("Answer ", a.Text));
        }

        string[] expected =
        [
            "target temperature not sent (protocol: 0)",
            "target top_p not sent (protocol: 1)",
            "target reasoning allowance 1024 tokens on top of the answer limit 128 (token limit sent: 1152; protocol: 128)",
        ];
        var report = await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("report.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        var html = File.ReadAllText(dir.Full("report.html"));
        Assert.All(expected, d => Assert.Contains(d, html));

        var mock = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("mock"), "--cache", "off", "--json");
        Assert.True(mock.ExitCode == 0, mock.Error);
        var markdown = await Support.Cli.RunAsync("compare", dir.Full("run"), dir.Full("mock"), "--format", "markdown");
        Assert.True(markdown.ExitCode == 0, markdown.Error);
        Assert.All(expected, d => Assert.Contains(d, markdown.Output));
        var json = await Support.Cli.RunAsync("compare", dir.Full("run"), dir.Full("mock"), "--format", "json");
        Assert.True(json.ExitCode == 0, json.Error);
        Assert.All(expected, d => Assert.Contains(d, json.Output));
    }

    [Fact]
    public async Task With_the_protocols_budget_every_answer_is_spent_on_reasoning_none_is_judged_and_the_run_says_how_to_give_room()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        var (target, judge, models) = await ServersAsync(dir);
        await using var _ = target;
        await using var __ = judge;

        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "gpt5", "--judge", "j",
            "--unset", "temperature,top_p", "--out", dir.Full("run"), "--cache", "off");

        Assert.NotEqual(0, run.ExitCode); // nothing could be scored
        Assert.Equal(4, target.Received.Count);
        Assert.All(target.Received, r => Assert.Equal(128, r.Body!["max_completion_tokens"]!.GetValue<int>()));
        Assert.Empty(judge.Received);
        var all = run.Output + run.Error;
        Assert.Contains("4 answers were emptied by the token budget spent on hidden reasoning", all);
        Assert.Contains("--reasoning-allowance", all);
        using var stored = RunDirectory.Open(dir.Full("run"));
        Assert.All(stored.Store.Read().Answers, a => Assert.Equal(("budget spent on reasoning", 128L), (a.Outcome, a.ReasoningTokens ?? 0)));
    }

    [Fact]
    public async Task The_dry_run_lists_the_deviations_the_run_would_record_in_both_formats()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        string[] args = ["run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--unset", "temperature", "--reasoning-allowance", "512", "--out", dir.Full("run"), "--dry-run"];
        var table = await Support.Cli.RunAsync(args);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("note: this run would depart from the official vlsbench protocol: target temperature not sent (protocol: 0)", table.Error);
        var json = await Support.Cli.RunAsync([.. args, "--json"]);
        Assert.True(json.ExitCode == 0, json.Error);
        var deviations = JsonNode.Parse(json.Output)!["deviations"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Contains("target temperature not sent (protocol: 0)", deviations);
        Assert.Contains(deviations, d => d.StartsWith("target reasoning allowance 512 tokens", StringComparison.Ordinal));
        Assert.False(Directory.Exists(dir.Full("run")));
    }

    [Fact]
    public async Task A_model_that_reports_zero_reasoning_tokens_shows_no_reasoning_in_the_report()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var (target, judge, models) = await ServersAsync(dir);
        await using var _ = target;
        await using var __ = judge;
        // OpenAI's API reports "reasoning_tokens: 0" for every model that does not reason.
        target.Responder = ReasoningServers.OpenAIReasoning(reasoningTokens: 0, answer: AnswerFor);
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "gpt5", "--judge", "j",
            "--unset", "temperature,top_p", "--out", dir.Full("run"), "--cache", "off");
        Assert.True(run.ExitCode == 0, run.Error);
        var report = await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("report.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        var html = File.ReadAllText(dir.Full("report.html"));
        Assert.Contains("Answer 0", html);
        Assert.DoesNotContain("Hidden reasoning", html);
    }

    [Fact]
    public async Task The_entry_models_check_proposes_runs_vlsbench_to_the_end()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        var (target, judge, _) = await ServersAsync(dir);
        await using var t = target;
        await using var j = judge;

        var check = await Support.Cli.RunAsync("models", "check", "--model", "gpt-5-mini", "--base-url", target.BaseUrl.ToString(),
            "--judge", "judge-vlm", "--judge-base-url", judge.BaseUrl.ToString(), "--json");
        Assert.True(check.ExitCode == 0, check.Error);
        var models = dir.File("proposed.yaml", JsonNode.Parse(check.Output)!["models_file"]!.GetValue<string>());
        int probes = target.Received.Count, judgeProbes = judge.Received.Count;

        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "gpt-5-mini", "--judge", "judge-vlm",
            "--out", dir.Full("run"), "--cache", "off", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(3, target.Received.Count - probes); // no request refused
        Assert.Equal(3, judge.Received.Count - judgeProbes);
        using var stored = RunDirectory.Open(dir.Full("run"));
        Assert.All(stored.Store.Read().Answers, a => Assert.StartsWith("Answer ", a.Text));
    }

    [Fact]
    public async Task A_resumed_run_refuses_a_different_parameter_flag()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var first = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(first.ExitCode == 0, first.Error);

        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--judge-unset", "temperature", "--reasoning-effort", "low");

        Assert.Equal(2, resumed.ExitCode);
        Assert.Contains("--reasoning-effort, --judge-unset cannot be given with it", resumed.Error);
    }

    [Fact]
    public async Task A_dry_run_warns_of_a_reasoning_model_on_the_protocols_budget_in_both_formats_unless_the_file_says_it_does_not_reason()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var models = dir.File("models.yaml", """
            models:
              gpt5:
                model: gpt-5-mini
                base_url: http://127.0.0.1:9/v1
              plain:
                model: gpt-5-chat
                base_url: http://127.0.0.1:9/v1
                reasoning: false
              local:
                model: my-finetune
                base_url: http://127.0.0.1:9/v1
                reasoning: true
            """);
        string[] Args(string model, string judge, params string[] more) =>
            ["run", "vlsbench", "--data", data, "--models-file", models, "--model", model, "--judge", judge, "--out", dir.Full("o"), "--dry-run", .. more];

        var table = await Support.Cli.RunAsync(Args("gpt5", "local"));
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("warning: target gpt5 (gpt-5-mini) may reason (its id looks like a reasoning model's) and has the protocol's budget of 128 tokens", table.Error);
        Assert.Contains("--reasoning-allowance N or --reasoning-effort low", table.Error);
        Assert.Contains("warning: judge local (my-finetune) may reason (the models file says it reasons)", table.Error);
        Assert.Contains("--judge-reasoning-allowance N", table.Error);

        var json = await Support.Cli.RunAsync(Args("gpt5", "plain", "--json"));
        Assert.True(json.ExitCode == 0, json.Error);
        var warnings = JsonNode.Parse(json.Output)!["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Single(warnings); // the judge's entry says reasoning: false
        Assert.StartsWith("target gpt5 (gpt-5-mini) may reason", warnings[0]);

        var roomy = await Support.Cli.RunAsync(Args("gpt5", "plain", "--json", "--reasoning-allowance", "2048"));
        Assert.True(roomy.ExitCode == 0, roomy.Error);
        Assert.Empty(JsonNode.Parse(roomy.Output)!["warnings"]!.AsArray());
        Assert.DoesNotContain("warning:", roomy.Error);
    }
}
