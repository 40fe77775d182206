using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Evals;

/// <summary>
/// An evaluation of a reasoning model (refuses temperature 0 and top_p) beside a plain one: without the opt-in its
/// cell fails with the exit-2 message and the other model's cell completes; with <c>drop_refused_parameters</c> the
/// refused sampling parameters are left unset for that model, recorded and shown as deviations, and a second run of
/// the file resumes without being refused again.
/// </summary>
public sealed partial class DropRefusedParametersTests
{
    private const int Concurrency = 2;

    private sealed class Servers : IAsyncDisposable
    {
        public required FakeModelServer Reasoning { get; init; }
        public required FakeModelServer Plain { get; init; }
        public required FakeModelServer Judge { get; init; }

        public static async Task<Servers> StartAsync()
        {
            var servers = new Servers { Reasoning = await FakeModelServer.StartAsync(), Plain = await FakeModelServer.StartAsync(), Judge = await FakeModelServer.StartAsync() };
            // 50 reasoning tokens leave room for the answer within the protocol's 128.
            servers.Reasoning.Responder = ReasoningServers.OpenAIReasoning(reasoningTokens: 50, answer: b => $"Answer {Instruction().Match(b?["messages"]?.ToJsonString() ?? "").Groups[1].Value}");
            servers.Plain.Responder = body => RunFixture.Answer(body);
            servers.Judge.Responder = body => RunFixture.Answer(body);
            return servers;
        }

        public string EvalFile(TempDir dir, string data, bool drop)
        {
            var models = dir.File("models.yaml", $"""
                models:
                  gpt5:
                    model: gpt-5-mini
                    base_url: {Reasoning.BaseUrl}
                    max_tokens_field: max_completion_tokens
                    concurrency: {Concurrency}
                  plain:
                    model: plain-model
                    base_url: {Plain.BaseUrl}
                  judge:
                    model: judge-model
                    base_url: {Judge.BaseUrl}
                """);
            return dir.File("eval.yaml", $"""
                out: {dir.Full("evals")}
                models_file: {models}
                models: [gpt5, plain]
                benchmarks: [vlsbench]
                data: {"{"} vlsbench: {data} {"}"}
                judges: [judge]
                cache: off
                {(drop ? "drop_refused_parameters: true" : "")}
                """);
        }

        public async ValueTask DisposeAsync()
        {
            await Reasoning.DisposeAsync();
            await Plain.DisposeAsync();
            await Judge.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_the_opt_in_the_reasoning_models_cell_fails_with_the_message_and_the_other_cell_completes()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 30);
        await using var servers = await Servers.StartAsync();

        var result = await Support.Cli.RunAsync("eval", servers.EvalFile(dir, data, drop: false));

        Assert.Equal(2, result.ExitCode);
        Assert.InRange(servers.Reasoning.Count, 1, Concurrency);
        Assert.Equal(30, servers.Plain.Count);
        var error = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("error: vlsbench · gpt5: ", StringComparison.Ordinal));
        Assert.Contains("refuses the parameter 'temperature'", error);
        Assert.Contains($"'temperature: unset' under parameters: in models file {dir.Full("models.yaml")}, entry 'gpt5'", error);
        Assert.Contains("Or add 'drop_refused_parameters: true' to", error);
        Assert.Contains("| vlsbench | plain | official | judge |", File.ReadAllText(dir.Full("evals/leaderboard.md")));
    }

    [Fact]
    public async Task With_the_opt_in_refused_sampling_parameters_are_dropped_for_the_model_shown_as_deviations_and_a_rerun_resumes()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 30);
        await using var servers = await Servers.StartAsync();
        var file = servers.EvalFile(dir, data, drop: true);

        var result = await Support.Cli.RunAsync("eval", file);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("note: gpt5 refused temperature (vlsbench · gpt5); it is left unset in every cell of gpt5 (drop_refused_parameters), recorded as a deviation.", result.Error);
        Assert.Contains("note: gpt5 refused top_p", result.Error);
        // Refused requests are those in flight when each refusal came; every other request went without the parameters, and was answered.
        var sent = servers.Reasoning.Received.ToList();
        Assert.InRange(sent.Count(r => r.Body?["temperature"] is not null), 1, Concurrency);
        Assert.InRange(sent.Count(r => r.Body?["temperature"] is null && r.Body?["top_p"] is not null), 1, Concurrency);
        Assert.Equal(30, sent.Count(r => r.Body?["temperature"] is null && r.Body?["top_p"] is null));
        Assert.Equal(60, servers.Judge.Count);

        var score = await Support.Cli.RunAsync("score", dir.Full("evals/vlsbench/gpt5/official"), "--json");
        var deviations = JsonNode.Parse(score.Output)!["deviations"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Contains("target temperature not sent: dropped because the endpoint refused it (protocol: 0)", deviations);
        Assert.Contains("target top_p not sent: dropped because the endpoint refused it (protocol: 1)", deviations);
        Assert.DoesNotContain("target temperature not sent (protocol: 0)", deviations);
        var plain = await Support.Cli.RunAsync("score", dir.Full("evals/vlsbench/plain/official"), "--json");
        Assert.DoesNotContain("dropped", plain.Output, StringComparison.Ordinal);
        Assert.Contains("temperature not sent: dropped because the endpoint refused it", File.ReadAllText(dir.Full("evals/leaderboard.md")));

        int before = servers.Reasoning.Count + servers.Plain.Count + servers.Judge.Count;
        var again = await Support.Cli.RunAsync("eval", file);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(before, servers.Reasoning.Count + servers.Plain.Count + servers.Judge.Count);
        Assert.DoesNotContain("note: gpt5 refused", again.Error, StringComparison.Ordinal);
        Assert.Contains("note: cells depart from the official protocol: target temperature not sent: dropped because the endpoint refused it", again.Error);
    }

    [GeneratedRegex(@"Instruction (\d+)")]
    private static partial Regex Instruction();
}
