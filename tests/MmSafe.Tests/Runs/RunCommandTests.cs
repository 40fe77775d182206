using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

public sealed class RunCommandTests
{
    private static string[] RunArgs(string data, FakeModelServer server, string outDir) =>
        ["run", "vlsbench", "--data", data, "--model", "target-model", "--base-url", server.BaseUrl.ToString(),
         "--judge", "judge-model", "--judge-base-url", server.BaseUrl.ToString(), "--out", outDir, "--json"];

    [Fact]
    public async Task A_full_run_with_faults_scores_what_the_servers_answers_imply()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 12);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        server.Script(FakeReply.Status(503), FakeReply.Drop(), FakeReply.Status(429, headers: ("retry-after-ms", "50")), FakeReply.Html(502));

        var result = await Support.Cli.RunAsync(RunArgs(data, server, dir.Full("run")));

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        // Labels 1 + id % 3: refusals 0,3,6,9; warnings 1,4,7,10; unsafe 2,5,8,11.
        Assert.Equal((12, 0), (root.GetProperty("items").GetInt32(), root.GetProperty("unscored_items").GetInt32()));
        Assert.Equal(0, root.GetProperty("invalid").GetInt32());
        Assert.Equal(33.33, root.GetProperty("refusal").GetDouble());
        Assert.Equal(66.67, root.GetProperty("safe").GetDouble());
        Assert.Equal(33.33, root.GetProperty("unsafe").GetDouble());
        Assert.Equal(24 + 4, server.Count); // 12 answers + 12 verdicts + 4 injected faults, each retried once

        var again = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        Assert.Equal(result.Output, again.Output);
    }

    [Fact]
    public async Task Running_the_same_command_again_sends_nothing()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        await Support.Cli.RunAsync(RunArgs(data, server, dir.Full("run")));
        int before = server.Count;
        var second = await Support.Cli.RunAsync(RunArgs(data, server, dir.Full("run")));
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(before, server.Count);
    }

    [Fact]
    public async Task A_new_run_directory_is_served_from_the_response_cache()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        string[] cache = ["--cache", dir.Full("cache.db")];
        var first = await Support.Cli.RunAsync([.. RunArgs(data, server, dir.Full("one")), .. cache]);
        int paid = server.Count;
        var second = await Support.Cli.RunAsync([.. RunArgs(data, server, dir.Full("two")), .. cache]);
        Assert.Equal(paid, server.Count); // nothing asked twice
        Assert.Equal(first.Scores(), second.Scores());

        await Support.Cli.RunAsync([.. RunArgs(data, server, dir.Full("three")), "--cache", "off"]);
        Assert.Equal(2 * paid, server.Count);
    }

    [Fact]
    public async Task The_judge_gets_the_authors_prompt_with_the_image_first_and_the_schema()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 1);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        await Support.Cli.RunAsync(RunArgs(data, server, dir.Full("run")));
        var (target, judge) = (server.Received.First().Body!, server.Received.Last().Body!);
        Assert.Equal("You are a helpful assistant.", target["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal(128, target["max_tokens"]!.GetValue<int>());
        Assert.Equal(0.0, target["temperature"]!.GetValue<double>());
        var parts = judge["messages"]![1]!["content"]!.AsArray();
        Assert.Equal("image_url", parts[0]!["type"]!.GetValue<string>());
        Assert.Contains("<respoonse>: Answer 0", parts[1]!["text"]!.GetValue<string>());
        Assert.Equal("json_schema", judge["response_format"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_run_directory_of_another_run_is_refused()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var first = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"));
        Assert.Equal(0, first.ExitCode);
        var other = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock/other", "--judge", "mock", "--out", dir.Full("run"));
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("made with other settings", other.Error);
        Assert.Contains("target model: recorded", other.Error);
    }

    [Fact]
    public async Task An_out_path_that_cannot_hold_a_run_is_an_input_error()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 1);
        var file = dir.File("not-a-directory", "x");
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot create or open the run store", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task A_dry_run_prints_the_plan_and_sends_nothing()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 5);
        dir.File("prices.yaml", "mock: { input: 2.5, output: 10 }\n");
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"),
            "--dry-run", "--prices", dir.Full("prices.yaml"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Target requests", result.Output);
        Assert.Contains("Cost (USD)", result.Output);
        Assert.False(Directory.Exists(dir.Full("run")));
    }

    [Theory]
    [InlineData("100", 0)]
    [InlineData("101", 2)]
    public async Task Answers_per_item_are_bounded_before_anything_is_planned_or_created(string samples, int exit)
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--samples", samples, "--dry-run");
        Assert.True(result.ExitCode == exit, result.Error);
        if (exit == 2) Assert.Contains($"--samples {samples}: at most 100 answers per item", result.Error);
        else Assert.Contains("Target requests", result.Output);
        Assert.False(Directory.Exists(dir.Full("run")));
    }

    [Fact]
    public async Task A_judge_for_a_benchmark_without_a_judge_stage_is_noted_as_not_used()
    {
        using var dir = new TempDir();
        dir.Json("siuo/siuo_mcqa.json", Enumerable.Range(1, 2).Select(i => Fixtures.SiuoMcqa(i)).ToArray());
        for (int i = 1; i <= 2; i++) dir.File($"siuo/images/S-{i:00}.png", MmSafe.Images.TinyPng.Solid(4, 4, 9, 9, 9));
        var flag = await Support.Cli.RunAsync("run", "siuo-mcqa", "--data", dir.Full("siuo"), "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(flag.ExitCode == 0, flag.Error);
        Assert.Contains("note: siuo-mcqa has no judge stage (its answers are scored by rule); the judge mock (--judge) is not used.", flag.Error);
        JsonDocument.Parse(flag.Output).Dispose(); // the note goes to stderr: stdout stays pure JSON

        var models = dir.File("models.yaml", "models:\n  a:\n    provider: mock\n    model: mock\n  b:\n    provider: mock\n    model: mock/b\njudges: [a, b]\n");
        var panel = await Support.Cli.RunAsync("run", "siuo-mcqa", "--data", dir.Full("siuo"), "--models-file", models, "--model", "mock", "--out", dir.Full("run2"), "--dry-run");
        Assert.True(panel.ExitCode == 0, panel.Error);
        Assert.Contains($"the judges a, b (the judges: list of {models}) are not used.", panel.Error);
    }

    [Fact]
    public async Task A_dry_run_with_json_prints_the_plan_as_json_with_each_models_share()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 5);
        var prices = dir.File("prices.yaml", "mock: { input: 2.5, output: 10 }\n");
        string[] args = ["run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--judge", "mock/cautious", "--out", dir.Full("run"), "--dry-run"];
        var result = await Support.Cli.RunAsync([.. args, "--prices", prices, "--json"]);
        Assert.True(result.ExitCode == 0, result.Error);
        var plan = JsonNode.Parse(result.Output)!; // stdout is the JSON document alone
        Assert.Equal(5, (int)plan["items"]!);
        Assert.Equal(5, (int)plan["target_requests"]!);
        Assert.Equal(10, (int)plan["judge_requests"]!);
        var models = plan["models"]!.AsArray();
        Assert.Equal(["target:mock", "judge:mock", "judge:mock/cautious"], models.Select(m => $"{m!["role"]}:{m["name"]}"));
        Assert.Equal((long)plan["input_tokens"]!, models.Sum(m => (long)m!["input_tokens"]!));
        Assert.Equal((long)plan["output_tokens"]!, models.Sum(m => (long)m!["output_tokens"]!));
        // mock/cautious has no price: its cost and the total are unknown, the others' are not.
        Assert.True((decimal)models[0]!["cost_usd"]! > 0);
        Assert.Null(models[2]!["cost_usd"]);
        Assert.Null(plan["cost_usd"]);
        Assert.Equal(["mock/cautious"], plan["unpriced_models"]!.AsArray().Select(m => (string)m!)); // which price is missing
        Assert.False(Directory.Exists(dir.Full("run")));

        var priced = JsonNode.Parse((await Support.Cli.RunAsync([.. args, "--prices", dir.File("all.yaml", "mock: { input: 2.5, output: 10 }\nmock/cautious: { input: 1, output: 1 }\n"), "--json"])).Output)!;
        Assert.Equal((decimal)priced["cost_usd"]!, priced["models"]!.AsArray().Sum(m => (decimal)m!["cost_usd"]!));
    }

    [Fact]
    public async Task Filters_select_items_by_category_id_and_limit()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 10);
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"),
            "--categories", "Privacy", "--limit", "3", "--json");
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(3, json.RootElement.GetProperty("items").GetInt32());
        Assert.Equal(["Privacy"], json.RootElement.GetProperty("categories").EnumerateObject().Select(c => c.Name));
        var bad = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run2"), "--categories", "Nope");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("no category 'Nope'", bad.Error);
    }
}
