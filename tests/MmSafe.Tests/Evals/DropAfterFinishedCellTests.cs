using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Evals;

/// <summary>
/// A reasoning model (refuses temperature and top_p) evaluated on SIUO-gen, whose protocol sends neither, and then on
/// VLSBench, whose protocol sends both: the SIUO-gen cell finishes before the refusal causes the drop. Running the file
/// again resumes (it was refused, exit 2, when the drop was applied to the finished cell's record), and the drop is
/// recorded only where the parameter would have been sent, once per parameter.
/// </summary>
public sealed partial class DropAfterFinishedCellTests
{
    [Fact]
    public async Task A_cell_finished_before_the_drop_keeps_its_record_and_the_file_runs_again()
    {
        using var dir = new TempDir();
        var vls = RunFixture.WriteVlsBench(dir, 6);
        dir.Json("siuo/siuo_gen.json", Enumerable.Range(1, 3).Select(i => Fixtures.SiuoGen(i, $"S-{i}.png")).ToArray());
        for (int i = 1; i <= 3; i++) dir.File($"siuo/images/S-{i}.png", MmSafe.Images.TinyPng.Solid(4, 4, (byte)(40 * i), 0, 0));
        await using var target = await FakeModelServer.StartAsync();
        await using var judge = await FakeModelServer.StartAsync();
        target.Responder = ReasoningServers.OpenAIReasoning(reasoningTokens: 20, answer: b => $"Answer {Item().Match(b?["messages"]?.ToJsonString() ?? "").Groups[1].Value}");
        judge.Responder = body =>
        {
            var text = body?["messages"]?.ToJsonString() ?? "";
            if (text.Contains("red-teaming safety judge", StringComparison.Ordinal)) return RunFixture.Answer(body);
            return text.Contains("[Safety Judgement:]", StringComparison.Ordinal)
                ? FakeReply.Ok("[Reasons:] r [Safety Judgement:] True")
                : FakeReply.Ok("[Reasons:] r [Effectiveness Judgement:] Very Effective");
        };
        var models = dir.File("models.yaml", $"""
            models:
              gpt5:
                model: gpt-5-mini
                base_url: {target.BaseUrl}
                max_tokens_field: max_completion_tokens
                concurrency: 1
              judge:
                model: judge-model
                base_url: {judge.BaseUrl}
            """);
        // One cell at a time, SIUO-gen first: it is finished when VLSBench's first request is refused.
        var file = dir.File("e2.yaml", $"""
            out: {dir.Full("ev")}
            models_file: {models}
            models: [gpt5]
            benchmarks: [siuo-gen, vlsbench]
            data: {"{"} siuo: {dir.Full("siuo")}, vlsbench: {vls} {"}"}
            judges: [judge]
            parallel: 1
            cache: off
            drop_refused_parameters: true
            """);

        var first = await Support.Cli.RunAsync("eval", file);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("note: gpt5 refused temperature (vlsbench · gpt5)", first.Error);

        int before = target.Count + judge.Count;
        var again = await Support.Cli.RunAsync("eval", file);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.DoesNotContain("other settings", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, target.Count + judge.Count);

        var siuo = await Support.Cli.RunAsync("score", dir.Full("ev/siuo-gen/gpt5/official"), "--json");
        Assert.DoesNotContain("dropped", siuo.Output, StringComparison.Ordinal);
        var score = await Support.Cli.RunAsync("score", dir.Full("ev/vlsbench/gpt5/official"), "--json");
        var deviations = JsonNode.Parse(score.Output)!["deviations"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Contains("target temperature not sent: dropped because the endpoint refused it (protocol: 0)", deviations);
        Assert.Contains("target top_p not sent: dropped because the endpoint refused it (protocol: 1)", deviations);
        Assert.Single(deviations, d => d.StartsWith("target temperature ", StringComparison.Ordinal));
        Assert.Single(deviations, d => d.StartsWith("target top_p ", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"(?:Instruction|Question) (\d+)")]
    private static partial Regex Item();
}
