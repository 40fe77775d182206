using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Text.Json.Nodes;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// Nothing is sent where the user did not name: a command on an existing run resolves model names through what the run
/// recorded, an empty replica list is an error, and a judge that answers nothing is not left in the run's spec.
/// </summary>
public sealed class NoDefaultEndpointTests
{
    private static async Task<(TempDir Dir, FakeModelServer Server)> RunWithModelsFileAsync()
    {
        var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        File.WriteAllText(dir.Full("models.yaml"), $"""
            models:
              target:
                model: target-vlm
                base_url: {server.BaseUrl}
                api_key_env: MMSAFE_TEST_KEY
              judge:
                model: judge-vlm
                base_url: {server.BaseUrl}
                api_key_env: MMSAFE_TEST_KEY
            """);
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", dir.Full("models.yaml"), "--model", "target", "--judge", "judge",
            "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.True(run.ExitCode == 0, run.Error);
        return (dir, server);
    }

    [Fact]
    public async Task Judging_a_run_made_with_a_models_file_resolves_the_entry_through_the_run_not_to_OpenAI()
    {
        var (dir, server) = await RunWithModelsFileAsync();
        using var _ = dir;
        await using var __ = server;
        int before = server.Received.Count;
        var blind = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "judge", "--without-image", "--json", "--cache", "off");
        Assert.True(blind.ExitCode == 0, blind.Error);
        var sent = server.Received.Skip(before).Select(r => r.Body!).ToList();
        Assert.Equal(4, sent.Count); // every blind judge request reached the recorded endpoint, as the recorded model id
        Assert.All(sent, b => Assert.Equal("judge-vlm", b["model"]!.GetValue<string>()));
        Assert.All(sent, b => Assert.DoesNotContain("image_url", b.ToJsonString()));
        using var store = SqliteRunStore.OpenReadOnly(dir.Full("run"));
        var judge = store.Read().Spec.FindJudge("judge-no-image")!;
        Assert.Equal((server.BaseUrl.ToString(), "MMSAFE_TEST_KEY"), (judge.BaseUrl, judge.ApiKeyEnv));
    }

    [Fact]
    public async Task The_runs_target_as_a_judge_keeps_its_endpoint_but_takes_the_judge_protocols_parameters()
    {
        var (dir, server) = await RunWithModelsFileAsync();
        using var _ = dir;
        await using var __ = server;
        var judged = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "target", "--json", "--cache", "off");
        Assert.True(judged.ExitCode == 0, judged.Error);
        using var store = SqliteRunStore.OpenReadOnly(dir.Full("run"));
        var spec = store.Read().Spec;
        Assert.Equal(spec.FindJudge("judge")!.Parameters, spec.FindJudge("target")!.Parameters); // not the target's top_p
        Assert.DoesNotContain(spec.Deviations(), d => d.Contains("judge target", StringComparison.Ordinal));
        Assert.Equal(server.BaseUrl.ToString(), spec.FindJudge("target")!.BaseUrl);
    }

    [Fact]
    public async Task A_name_the_run_does_not_know_is_refused_with_a_suggestion_and_nothing_is_recorded()
    {
        var (dir, server) = await RunWithModelsFileAsync();
        using var _ = dir;
        await using var __ = server;
        int before = server.Received.Count;
        var typo = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "jugde", "--cache", "off");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("did you mean 'judge'?", typo.Error);
        Assert.Contains("--judge-base-url", typo.Error);
        Assert.Equal(before, server.Received.Count);
        using var store = SqliteRunStore.OpenReadOnly(dir.Full("run"));
        Assert.Equal(["judge"], store.Read().Spec.Judges.Select(j => j.Name));
    }

    [Fact]
    public async Task A_judge_that_answers_nothing_is_not_recorded_so_the_run_still_resumes()
    {
        var (dir, server) = await RunWithModelsFileAsync();
        using var _ = dir;
        await using var __ = server;
        await using var broken = await FakeModelServer.StartAsync();
        broken.Default = FakeReply.Status(400, """{"error":{"message":"The model `nope` does not exist","type":"invalid_request_error"}}""");
        var failed = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "other", "--judge-base-url", broken.BaseUrl.ToString(), "--cache", "off");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("judge 'other' answered none of its requests, so it is not recorded", failed.Error);
        Assert.DoesNotContain("mmsafe run --resume", failed.Error); // resuming would not ask this judge: it is not in the run
        using (var store = SqliteRunStore.OpenReadOnly(dir.Full("run")))
            Assert.Equal(["judge"], store.Read().Spec.Judges.Select(j => j.Name));
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--json", "--cache", "off");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
    }

    [Fact]
    public async Task An_empty_replica_list_is_refused_before_anything_is_sent()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        File.WriteAllText(dir.Full("models.yaml"), "models:\n  t:\n    model: some-vlm\n    base_urls: []\n");
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", dir.Full("models.yaml"), "--model", "t", "--judge", "mock",
            "--out", dir.Full("run"), "--cache", "off");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("base_urls is an empty list", run.Error);
        Assert.False(Directory.Exists(dir.Full("run")) && File.Exists(dir.Full("run/run.db")));
    }
}

/// <summary>A later session of a run uses the response cache the run started with, not the default one.</summary>
public sealed class ResumeCacheTests
{
    private static long Answers(string cache)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={cache};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM answers";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Resume_without_cache_uses_the_cache_the_run_started_with()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        server.Script(FakeReply.Status(400), FakeReply.Status(400)); // two target requests fail: they are asked again on resume
        var own = dir.Full("own-cache.db");
        var first = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge", "j",
            "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", own);
        Assert.Equal(3, first.ExitCode);
        long before = Answers(own);
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(before + 4, Answers(own)); // the two answers asked again and their two verdicts went into the run's own cache
        using var store = SqliteRunStore.OpenReadOnly(dir.Full("run"));
        Assert.Equal(Path.GetFullPath(own), store.Read().Spec.Cache);
    }
}

public sealed class BlindJudgeTwiceTests
{
    [Fact]
    public async Task A_judge_that_already_judges_without_the_image_is_not_blinded_again()
    {
        using var dir = new TempDir();
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(0, (await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "mock", "--without-image", "--cache", "off", "--json")).ExitCode);
        var again = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "mock-no-image", "--without-image", "--cache", "off", "--json");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already judges without the image", again.Error);
        using var store = SqliteRunStore.OpenReadOnly(dir.Full("run"));
        Assert.Equal(["mock", "mock-no-image"], store.Read().Spec.Judges.Select(j => j.Name));
    }
}
