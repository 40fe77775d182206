using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// Judging (and generating) through the OpenAI Batch API and Anthropic Message Batches, against a loopback server
/// that implements their endpoints: the same scores as one request at a time, nothing asked one at a time that a
/// batch answered, batch ids stored so that a run killed while its batch is in progress resumes it without paying twice.
/// </summary>
public sealed class BatchTests
{
    private const string KeyVariable = "MMSAFE_BATCH_TEST_KEY";
    private const string Key = "sk-batch-SECRET-77aa";
    private const int Items = 12;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    static BatchTests() => Environment.SetEnvironmentVariable(KeyVariable, Key);

    internal static string? Content(JsonNode body) => ((FakeReply.Answer)RunFixture.Answer(body)).Content;

    private static async Task<string> ReferenceAsync(TempDir dir, string data)
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge", "j",
            "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("reference"), "--cache", "off", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Scores();
    }

    /// <summary>A dataset, the scores of judging it one request at a time, and a batch server answering as the reference did.</summary>
    internal sealed class Fixture : IAsyncDisposable
    {
        public required TempDir Dir { get; init; }
        public required string Data { get; init; }
        public required string Expected { get; init; }
        public required FakeBatchServer Batches { get; init; }

        public static async Task<Fixture> StartAsync()
        {
            var dir = new TempDir();
            var data = RunFixture.WriteVlsBench(dir, Items);
            var expected = await ReferenceAsync(dir, data);
            var batches = await FakeBatchServer.StartAsync();
            batches.Responder = Content;
            return new Fixture { Dir = dir, Data = data, Expected = expected, Batches = batches };
        }

        public async ValueTask DisposeAsync()
        {
            await Batches.DisposeAsync();
            Dir.Dispose();
        }
    }

    internal static string[] Args(string data, Uri target, Uri judge, string output, string batch) =>
        ["run", "vlsbench", "--data", data, "--model", "t", "--base-url", target.ToString(), "--api-key-env", KeyVariable, "--judge", "j", "--judge-base-url", judge.ToString(),
         "--judge-api-key-env", KeyVariable, "--out", output, "--cache", "off", "--json", "--batch", batch, "--batch-poll", "0.05"];

    [Fact]
    public async Task A_batched_judge_scores_as_one_request_at_a_time_and_asks_nothing_one_at_a_time()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, Items);
        var expected = await ReferenceAsync(dir, data);
        await using var target = await FakeModelServer.StartAsync();
        target.Responder = body => RunFixture.Answer(body);
        await using var batches = await FakeBatchServer.StartAsync();
        batches.Responder = Content;

        var result = await Support.Cli.RunAsync(Args(data, target.BaseUrl, batches.BaseUrl, dir.Full("batched"), "judge"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(expected, result.Scores());
        Assert.Equal(Items, target.Count); // the target, one at a time
        Assert.Equal([Items], batches.Created.Select(c => c.Requests)); // every verdict in one batch
        Assert.Equal(Items, batches.Answered.Distinct().Count());
        Assert.Empty(batches.Synchronous);
        Assert.All(batches.Keys, k => Assert.Equal($"Bearer {Key}", k));
        // Each line is the body a single request would have had: the judge's protocol parameters and the image as a data URL.
        var body = batches.Bodies.First();
        Assert.Equal(("j", 0.0), (body["model"]!.GetValue<string>(), body["temperature"]!.GetValue<double>()));
        Assert.StartsWith("data:image/png;base64,", body["messages"]!.ToJsonString().Split("\"url\":\"")[1]);
        using var store = RunStores.OpenRead(dir.Full("batched"));
        Assert.Equal(StoredBatch.Collected, Assert.Single(store.Batches(), b => !b.Id.StartsWith("submission:", StringComparison.Ordinal)).Status);
        Assert.Equal(StoredBatch.Recorded, Assert.Single(store.Batches(), b => b.Id.StartsWith("submission:", StringComparison.Ordinal)).Status);
        Assert.DoesNotContain(Key, System.Text.Json.JsonSerializer.Serialize(store.Batches()) + string.Join(" ", store.Events().Select(e => e.Detail)));
    }

    [Fact]
    public async Task A_run_killed_while_its_batch_is_in_progress_resumes_that_batch_and_pays_once()
    {
        await using var f = await Fixture.StartAsync();
        var (dir, data, expected, batches) = (f.Dir, f.Data, f.Expected, f.Batches);
        batches.Hold = true;

        var errors = new ConcurrentQueue<string>();
        using (var process = CliProcess.Start(Args(data, batches.BaseUrl, batches.BaseUrl, dir.Full("killed"), "all"), errors))
        {
            while (batches.Created.IsEmpty && !process.HasExited) await Task.Delay(10, Token);
            await Task.Delay(300, Token); // polling the held batch
            Assert.False(process.HasExited, $"the run ended before it could be killed: {string.Join(" | ", errors)}");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Token);
        }
        Assert.Single(batches.Created);
        batches.Hold = false;

        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("killed"), "--batch-poll", "0.05", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(expected, resumed.Scores());
        // The target's batch was picked up, not sent again; then the judge's: each request paid once, none one at a time.
        Assert.Equal([Items, Items], batches.Created.Select(c => c.Requests));
        Assert.Equal(2 * Items, batches.Answered.Count);
        Assert.Equal(2 * Items, batches.Answered.Distinct().Count());
        Assert.Empty(batches.Synchronous);
    }

    [Fact]
    public async Task A_run_killed_before_its_batch_id_arrived_finds_the_batch_by_its_submission_and_pays_once()
    {
        await using var f = await Fixture.StartAsync();
        var (dir, data, expected, batches) = (f.Dir, f.Data, f.Expected, f.Batches);
        batches.CreateDelay = TimeSpan.FromSeconds(30);
        var errors = new ConcurrentQueue<string>();
        using (var process = CliProcess.Start(Args(data, batches.BaseUrl, batches.BaseUrl, dir.Full("lost-id"), "all"), errors))
        {
            while (batches.Created.IsEmpty && !process.HasExited) await Task.Delay(10, Token);
            Assert.False(process.HasExited, $"the run ended before it could be killed: {string.Join(" | ", errors)}");
            process.Kill(entireProcessTree: true); // the server made the batch; the run never heard its id
            await process.WaitForExitAsync(Token);
        }
        batches.CreateDelay = TimeSpan.Zero;
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("lost-id"), "--batch-poll", "0.05", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(expected, resumed.Scores());
        Assert.Equal([Items, Items], batches.Created.Select(c => c.Requests)); // the target's batch was found, not made again
        Assert.Equal(2 * Items, batches.Answered.Distinct().Count());
        Assert.Equal(2 * Items, batches.Answered.Count);
        using var store = RunStores.OpenRead(dir.Full("lost-id"));
        Assert.Contains(store.Events(), e => e.Detail.Contains("found by its submission", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_made_but_answered_with_a_502_is_found_not_made_again()
    {
        await using var f = await Fixture.StartAsync();
        f.Batches.FailNextCreate();
        var result = await Support.Cli.RunAsync(Args(f.Data, f.Batches.BaseUrl, f.Batches.BaseUrl, f.Dir.Full("502"), "all"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(f.Expected, result.Scores());
        Assert.Equal([Items, Items], f.Batches.Created.Select(c => c.Requests));
        Assert.Equal(2 * Items, f.Batches.Answered.Count);
    }

    [Fact]
    public async Task Anthropic_message_batches_serve_target_and_judge()
    {
        await using var f = await Fixture.StartAsync();
        var (dir, data, expected, batches) = (f.Dir, f.Data, f.Expected, f.Batches);
        var models = dir.File("models.yaml", $"models:\n  t:\n    provider: anthropic\n    model: claude-t\n    base_url: {batches.Root}\n    api_key_env: {KeyVariable}\n" +
            $"  j:\n    provider: anthropic\n    model: claude-j\n    base_url: {batches.Root}\n    api_key_env: {KeyVariable}\n");
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--models-file", models, "--model", "t", "--judge", "j", "--out", dir.Full("anthropic"),
            "--cache", "off", "--json", "--batch", "all", "--batch-poll", "0.05");
        Assert.True(result.ExitCode == 0, result.Error);
        // Anthropic takes no response format: the judge is recorded, and shown, without structured output.
        Assert.Equal(expected.Replace("\"deviations\":[]", "\"deviations\":[\"judge j without structured output (protocol: json_schema)\"]"), result.Scores());
        Assert.Equal([Items, Items], batches.Created.Select(c => c.Requests));
        Assert.All(batches.Keys, k => Assert.Equal(Key, k));
        // Anthropic's own shape: the image as a base64 source with its media type, max_tokens always set.
        var first = batches.Bodies.First();
        var image = first["messages"]![0]!["content"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "image")!;
        Assert.Equal(("base64", "image/png"), (image["source"]!["type"]!.GetValue<string>(), image["source"]!["media_type"]!.GetValue<string>()));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(image["source"]!["data"]!.GetValue<string>())[..4]);
        Assert.Equal("claude-t", first["model"]!.GetValue<string>());
        Assert.True(first["max_tokens"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task A_request_a_batch_could_not_answer_is_asked_again_one_at_a_time()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, Items);
        var expected = await ReferenceAsync(dir, data);
        await using var batches = await FakeBatchServer.StartAsync();
        // The batch fails the judge request about item 4's answer; asked alone afterwards (the chat endpoint records it first), it succeeds.
        batches.Responder = body => body.ToJsonString() is var text && text.Contains("Answer 4", StringComparison.Ordinal) && text.Contains("red-teaming", StringComparison.Ordinal)
            && batches.Synchronous.IsEmpty ? null : Content(body);
        var result = await Support.Cli.RunAsync(Args(data, batches.BaseUrl, batches.BaseUrl, dir.Full("retried"), "all"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(expected, result.Scores());
        Assert.Single(batches.Synchronous);
    }

    [Fact]
    public async Task The_plan_prices_batched_requests_at_half()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, Items);
        var prices = dir.File("prices.yaml", "t: { input: 10, output: 30 }\nj: { input: 5, output: 15 }\n");
        decimal Cost(params string[] more)
        {
            var plan = Support.Cli.RunAsync(["run", "vlsbench", "--data", data, "--model", "t", "--base-url", "http://127.0.0.1:9/v1", "--judge", "j",
                "--judge-base-url", "http://127.0.0.1:9/v1", "--out", dir.Full("plan"), "--dry-run", "--prices", prices, .. more]).GetAwaiter().GetResult();
            var row = plan.Output.Split('\n').Single(l => l.Contains("Cost (USD)", StringComparison.Ordinal));
            return decimal.Parse(row.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        var full = Cost();
        Assert.True(full > 0);
        Assert.Equal(full / 2, Cost("--batch", "all"), 2);
        Assert.True(Cost("--batch", "judge") is var judgeOnly && judgeOnly < full && judgeOnly > full / 2);
    }

    [Fact]
    public async Task An_evaluation_file_can_send_its_judges_through_the_batch_api()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, Items);
        await using var target = await FakeModelServer.StartAsync();
        target.Responder = body => RunFixture.Answer(body);
        await using var batches = await FakeBatchServer.StartAsync();
        batches.Responder = Content;
        dir.File("models.yaml", $"models:\n  t:\n    model: t\n    base_url: {target.BaseUrl}\n  j:\n    model: j\n    base_url: {batches.BaseUrl}\n    api_key_env: {KeyVariable}\n");
        var file = dir.File("eval.yaml", $"out: out\nmodels_file: models.yaml\nmodels: [t]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [j]\n" +
            "conditions: [official, text-only]\nbatch: judge\nbatch_poll: 0.05\ncache: off\n");
        var result = await Support.Cli.RunAsync("eval", file);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal([Items, Items], batches.Created.Select(c => c.Requests).Order()); // one batch per cell
        Assert.Empty(batches.Synchronous);
    }
}
