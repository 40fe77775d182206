using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>A reasoning model refusing the protocol's temperature 0 stops the run at once, saying what to change for the model's role.</summary>
public sealed class RefusedParameterRunTests
{
    private const int Concurrency = 4;

    // As many items as VLSBench has.
    private const int Items = 2241;

    private static string[] RunArgs(string data, FakeModelServer target, FakeModelServer judge, string outDir) =>
        ["run", "vlsbench", "--data", data, "--model", "gpt-5-mini", "--base-url", target.BaseUrl.ToString(), "--concurrency", $"{Concurrency}",
         "--judge", "judge-model", "--judge-base-url", judge.BaseUrl.ToString(), "--judge-concurrency", $"{Concurrency}", "--out", outDir];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_full_run_against_a_reasoning_model_stops_after_the_requests_in_flight_naming_temperature_and_the_flag(bool json)
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, Items);
        await using var target = await FakeModelServer.StartAsync();
        target.Responder = ReasoningServers.OpenAIReasoning();
        await using var judge = await FakeModelServer.StartAsync();
        judge.Responder = body => RunFixture.Answer(body);

        var result = await Support.Cli.RunAsync([.. RunArgs(data, target, judge, dir.Full("run")), .. json ? new[] { "--json" } : []]);

        Assert.Equal(2, result.ExitCode);
        Assert.InRange(target.Count, 1, Concurrency); // the requests in flight when the first refusal came, and none after
        Assert.Equal(0, judge.Count);
        var error = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"target gpt-5-mini at {target.BaseUrl}", error);
        Assert.Contains("refuses the parameter 'temperature'", error);
        Assert.Contains("pass --unset temperature", error);
        Assert.Contains("Server said: Unsupported value: 'temperature' does not support 0 with this model.", error);
        Assert.Contains("no request was started after it", error);
        Assert.Contains("nothing was stored, so the run's own command with the fix may use the same --out", error);
        Assert.Contains("not --resume, which restores the recorded ones", error);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal); // no stack trace
        Assert.Equal("", result.Output); // --json or not, no score of a run that stopped: stdout stays empty, the error is on stderr

        // The run keeps what it recorded; resuming it as recorded is refused again, before more than the requests in flight are sent.
        int before = target.Count;
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"));
        Assert.Equal(2, resumed.ExitCode);
        Assert.InRange(target.Count - before, 1, Concurrency);
        Assert.Contains("refuses the parameter 'temperature'", resumed.Error);
        if (json) return;

        // The same command with the fix, in the same directory (it holds no result): it takes the new settings and runs to the end.
        target.Responder = ReasoningServers.OpenAIReasoning(answer: b => ((FakeReply.Answer)RunFixture.Answer(b)).Content);
        before = target.Count;
        var fixedRun = await Support.Cli.RunAsync([.. RunArgs(data, target, judge, dir.Full("run")),
            "--unset", "temperature,top_p", "--max-tokens-field", "max_completion_tokens", "--reasoning-allowance", "1024", "--cache", "off"]);
        Assert.True(fixedRun.ExitCode == 0, fixedRun.Error);
        Assert.Equal(Items, target.Count - before);
        Assert.Equal(Items, judge.Count);
        using var stored = RunDirectory.Open(dir.Full("run"));
        Assert.Null(stored.Spec.Target.Parameters.Temperature);
        Assert.Equal("max_completion_tokens", stored.Spec.Target.MaxTokensField);
        Assert.Contains(stored.Store.Events(), e => e.Kind == RunEvents.SettingsChanged && e.Detail.Contains("target temperature: recorded 0, now none; target top_p: recorded 1, now none", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_judge_that_refuses_temperature_stops_the_run_naming_the_judge_flag()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 40);
        await using var target = await FakeModelServer.StartAsync();
        target.Responder = body => RunFixture.Answer(body);
        await using var judge = await FakeModelServer.StartAsync();
        judge.Responder = ReasoningServers.OpenAIReasoning();

        var result = await Support.Cli.RunAsync(RunArgs(data, target, judge, dir.Full("run")));

        Assert.Equal(2, result.ExitCode);
        Assert.InRange(judge.Count, 1, Concurrency);
        Assert.Contains($"judge judge-model at {judge.BaseUrl}", result.Error);
        Assert.Contains("pass --judge-unset temperature", result.Error);
        Assert.DoesNotContain("--unset temperature (", result.Error, StringComparison.Ordinal);

        // Some answers are stored, so the run is incomplete; score points at the refusal and its fix, not at a resume that would be refused alike.
        foreach (var format in new[] { "table", "json" })
        {
            var score = await Support.Cli.RunAsync(format == "json" ? ["score", dir.Full("run"), "--json"] : ["score", dir.Full("run")]);
            Assert.Contains("the last session stopped because an endpoint refused a parameter", score.Output + score.Error);
            Assert.Contains("--judge-unset temperature", score.Output + score.Error);
            Assert.DoesNotContain("resume with 'mmsafe run --resume", score.Output + score.Error);
            Assert.Contains($"'mmsafe judge {dir.Full("run")} --judge judge-model' with the fixed flags", score.Output + score.Error);
        }

        // The judge stored no verdict, so 'mmsafe judge' with the fix takes its new parameters and judges the stored answers.
        judge.Responder = ReasoningServers.OpenAIReasoning(answer: b => ((FakeReply.Answer)RunFixture.Answer(b)).Content);
        var fixedJudge = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "judge-model", "--judge-base-url", judge.BaseUrl.ToString(),
            "--judge-unset", "temperature", "--judge-max-tokens-field", "max_completion_tokens", "--judge-reasoning-allowance", "1024", "--cache", "off");
        // The target was stopped too: the answers it had stored are judged, and the rest are a resume away.
        Assert.True(fixedJudge.ExitCode == 3, fixedJudge.Error);
        Assert.Contains("answers not asked yet", fixedJudge.Error);
        using (var stored = RunDirectory.Open(dir.Full("run")))
        {
            Assert.Null(stored.Spec.Judge!.Parameters.Temperature);
            var answers = stored.Store.Answers();
            Assert.InRange(answers.Count, 1, 39);
            Assert.Equal(answers.Count, stored.Store.Verdicts("judge-model").Count(v => !v.NeedsRetry));
        }
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--cache", "off");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        using (var stored = RunDirectory.Open(dir.Full("run"))) Assert.Equal(40, stored.Store.Verdicts("judge-model").Count(v => !v.NeedsRetry));
    }

    [Fact]
    public async Task Judging_a_stored_run_again_with_a_judge_that_refuses_temperature_stops_alike()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 40);
        await using var target = await FakeModelServer.StartAsync();
        target.Responder = body => RunFixture.Answer(body);
        await using var judge = await FakeModelServer.StartAsync();
        judge.Responder = body => RunFixture.Answer(body);
        Assert.Equal(0, (await Support.Cli.RunAsync(RunArgs(data, target, judge, dir.Full("run")))).ExitCode);
        await using var reasoning = await FakeModelServer.StartAsync();
        reasoning.Responder = ReasoningServers.OpenAIReasoning();

        var result = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "gpt-5-mini", "--judge-base-url", reasoning.BaseUrl.ToString(),
            "--judge-concurrency", $"{Concurrency}");

        Assert.Equal(2, result.ExitCode);
        Assert.InRange(reasoning.Count, 1, Concurrency);
        Assert.Contains("judge gpt-5-mini", result.Error);
        Assert.Contains("pass --judge-unset temperature", result.Error);
        Assert.Contains("after the fix, the same 'mmsafe judge", result.Error);
    }

    [Fact]
    public async Task A_models_file_target_is_told_the_line_of_its_entry()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 20);
        await using var target = await FakeModelServer.StartAsync();
        target.Responder = ReasoningServers.OpenAIReasoning();
        await using var judge = await FakeModelServer.StartAsync();
        judge.Responder = body => RunFixture.Answer(body);
        var models = dir.File("models.yaml", $"""
            models:
              gpt5:
                model: gpt-5-mini
                base_url: {target.BaseUrl}
                concurrency: {Concurrency}
            """);

        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "gpt5",
            "--judge", "judge-model", "--judge-base-url", judge.BaseUrl.ToString(), "--out", dir.Full("run"));

        Assert.Equal(2, result.ExitCode);
        Assert.InRange(target.Count, 1, Concurrency);
        Assert.Contains($"(models file {models}, entry 'gpt5')", result.Error);
        Assert.Contains($"set 'temperature: unset' under parameters: in models file {models}, entry 'gpt5' (or pass --unset temperature)", result.Error);
    }

    [Fact]
    public async Task A_judge_in_auto_mode_falls_back_when_the_endpoint_refuses_response_format_and_stops_in_on_mode()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 6);
        await using var target = await FakeModelServer.StartAsync();
        target.Responder = body => RunFixture.Answer(body);
        await using var judge = await FakeModelServer.StartAsync();
        const string refusal = """{"error":{"message":"Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.","type":"invalid_request_error","param":"response_format","code":null}}""";
        judge.Responder = body => body?["response_format"] is not null ? FakeReply.Status(400, refusal) : RunFixture.Answer(body);
        string Models(string mode) => dir.File($"models-{mode}.yaml", $"""
            models:
              strict:
                model: judge-model
                base_url: {judge.BaseUrl}
                structured_output: {mode}
            """);

        var auto = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "target-model", "--base-url", target.BaseUrl.ToString(),
            "--models-file", Models("auto"), "--judge", "strict", "--out", dir.Full("auto"), "--cache", dir.Full("cache.db"));
        Assert.Equal(0, auto.ExitCode); // every verdict came from the requests without the format
        Assert.Contains(judge.Received, r => r.Body?["response_format"] is not null);
        Assert.Contains(judge.Received, r => r.Body?["response_format"] is null);

        var on = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "target-model", "--base-url", target.BaseUrl.ToString(),
            "--models-file", Models("on"), "--judge", "strict", "--out", dir.Full("on"), "--cache", dir.Full("cache.db"));
        // The verdicts made without the format are cached under an identity without it, so "on" asks again (and is refused).
        Assert.Equal(2, on.ExitCode);
        Assert.Contains("refuses the parameter 'response_format'", on.Error);
        Assert.Contains("'structured_output: off'", on.Error);
    }
}
