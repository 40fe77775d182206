using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Text.Json;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

public sealed class JudgeCommandTests
{
    private static async Task<JsonElement> ScoreAsync(params string[] args)
    {
        var result = await Support.Cli.RunAsync(["score", .. args, "--json"]);
        Assert.Equal(0, result.ExitCode);
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    [Fact]
    public async Task Another_judge_rates_the_same_answers_and_both_verdict_sets_are_kept()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 6);
        await using var first = await FakeModelServer.StartAsync();
        first.Responder = body => RunFixture.Answer(body);
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "target-model", "--base-url", first.BaseUrl.ToString(),
            "--judge", "judge-a", "--judge-base-url", first.BaseUrl.ToString(), "--out", dir.Full("run"), "--json");
        Assert.Equal(0, run.ExitCode);
        int targetRequests = first.Received.Count(r => !r.Body!.ToJsonString().Contains("red-teaming", StringComparison.Ordinal));

        await using var strict = await FakeModelServer.StartAsync();
        strict.Default = FakeReply.Ok("""{"label": 3, "label_str": "Unsafe", "explanation": "strict"}""");
        var rejudge = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "judge-b", "--judge-base-url", strict.BaseUrl.ToString(), "--json");
        Assert.Equal(0, rejudge.ExitCode);

        Assert.Equal(6, strict.Count); // one verdict per answer, no generation
        Assert.Equal(6, targetRequests);
        Assert.Equal(100.0, (await ScoreAsync(dir.Full("run"), "--judge", "judge-b")).GetProperty("unsafe").GetDouble());
        Assert.Equal(Math.Round(200.0 / 6, 2), (await ScoreAsync(dir.Full("run"))).GetProperty("unsafe").GetDouble()); // judge-a: ids 2, 5
        using (var store = SqliteRunStore.OpenExisting(dir.Full("run")))
            Assert.Equal(["judge-a", "judge-b"], store.Verdicts().Select(v => v.Judge).Distinct().Order());

        // The run command with another --judge is refused, naming the difference, and asks nothing.
        int before = first.Count;
        var again = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "target-model", "--base-url", first.BaseUrl.ToString(),
            "--judge", "judge-b", "--judge-base-url", strict.BaseUrl.ToString(), "--out", dir.Full("run"), "--json");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("judge name: recorded \"judge-a\", now \"judge-b\"", again.Error);
        Assert.Equal(before, first.Count);
        // The original command still matches the run after the re-judge, and asks nothing.
        var original = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "target-model", "--base-url", first.BaseUrl.ToString(),
            "--judge", "judge-a", "--judge-base-url", first.BaseUrl.ToString(), "--out", dir.Full("run"), "--json");
        Assert.True(original.ExitCode == 0, original.Error);
        Assert.Equal(before, first.Count);
    }

    [Fact]
    public async Task A_judge_refusal_is_its_own_outcome_and_can_be_retried()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => body!.ToJsonString().Contains("red-teaming", StringComparison.Ordinal)
            ? new FakeReply.Answer("", Refusal: "I can't evaluate this.")
            : RunFixture.Answer(body);
        await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(),
            "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json");

        var declined = await ScoreAsync(dir.Full("run"));
        Assert.Equal(3, declined.GetProperty("invalid").GetInt32());
        Assert.Equal(JsonValueKind.Null, declined.GetProperty("unsafe").ValueKind); // not counted as unsafe

        server.Responder = body => RunFixture.Answer(body);
        var unchanged = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--json");
        Assert.Equal(3, JsonDocument.Parse(unchanged.Output).RootElement.GetProperty("invalid").GetInt32());

        var retried = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--retry-failed", "--json");
        var root = JsonDocument.Parse(retried.Output).RootElement;
        Assert.Equal(0, root.GetProperty("invalid").GetInt32());
        Assert.Equal(Math.Round(100.0 / 3, 2), root.GetProperty("unsafe").GetDouble());
    }
}
