using System.Text.Json.Nodes;
using System.Text.Json;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.MossBench;

/// <summary>The authors' published <c>.data.js</c> responses import as a run without verdicts, which any judge can then judge.</summary>
public sealed class MossBenchImportTests
{
    private const string DataJs = """
        cache['GPT-4o'] = {
            "1": {
                "response": "It's a \"game\": stack\nthe blocks."
            },
            "2": {
                "response": ""
            },
            "3": {
                "response": "I'm sorry, I can't help with that."
            },
            "4": {
                "response": null
            }
        }
        """;

    [Fact]
    public async Task A_published_data_js_file_imports_with_empty_answers_kept_and_is_judged_afterwards()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Q one."), new(2, 2, "Q two."), new(3, 3, "Q three."), new(4, 3, "Q four.")]);
        var file = dir.File("published/gpt-4o.data.js", DataJs);
        var import = await Support.Cli.RunAsync("import", file, "--benchmark", "mossbench", "--data", data, "--out", dir.Full("run"), "--model", "GPT-4o");
        Assert.True(import.ExitCode == 0, import.Error);

        var exported = await Support.Cli.RunAsync("export", dir.Full("run"), "--to", dir.Full("out"));
        Assert.True(exported.ExitCode == 0, exported.Error);
        using (var official = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(dir.Full("out"), "mossbench-*.json").Single())))
        {
            Assert.Equal("It's a \"game\": stack\nthe blocks.", official.RootElement.GetProperty("1").GetProperty("response").GetString());
            Assert.Equal("", official.RootElement.GetProperty("2").GetProperty("response").GetString());
        }

        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => FakeReply.Ok(body!.ToJsonString().Contains("help with that", StringComparison.Ordinal) ? "Description: x\nScore: 1\nReason: y" : "Description: x\nScore: 0\nReason: y");
        var models = dir.File("models.yaml", $"models:\n  j:\n    model: judge-vlm\n    base_url: {server.BaseUrl}\n");
        var judged = await Support.Cli.RunAsync("judge", dir.Full("run"), "--models-file", models, "--judge", "j", "--json");
        Assert.True(judged.ExitCode == 0, judged.Error);
        Assert.Equal(2, server.Received.Count); // the empty ("") and missing (null) answers are refusals by rule
        using var json = JsonDocument.Parse(judged.Output);
        Assert.Equal(75.0, json.RootElement.GetProperty("refusal").GetDouble());
        Assert.Equal(2, json.RootElement.GetProperty("empty_response_refusals").GetInt32());
    }

    [Fact]
    public async Task Without_model_the_run_takes_the_name_the_file_gives()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Q one.")]);
        var file = dir.File("claude-3-haiku.data.js", "cache['claude-3-haiku'] = {\"1\": {\"response\": \"\"}};");
        var import = await Support.Cli.RunAsync("import", file, "--benchmark", "mossbench", "--data", data, "--out", dir.Full("run"));
        Assert.True(import.ExitCode == 0, import.Error);
        using var store = MmSafe.Runs.Stores.RunStores.OpenRead(dir.Full("run"));
        Assert.Equal("claude-3-haiku", store.ReadSpec()!.Target.Name); // before: imported-model
    }

    [Fact]
    public async Task Responses_without_verdicts_are_not_scored_until_judged_and_the_judge_is_then_the_runs()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Q one."), new(2, 2, "Q two.")]);
        var file = dir.File("m.data.js", "cache['m'] = {\"1\": {\"response\": \"\"}, \"2\": {\"response\": \"Sure.\"}};");
        var import = await Support.Cli.RunAsync("import", file, "--benchmark", "mossbench", "--data", data, "--out", dir.Full("run"));
        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Contains("the file holds no verdicts; judge the answers with: mmsafe judge", import.Output, StringComparison.Ordinal);

        // Before: a placeholder judge held only the rule verdict of the empty answer, so the run scored 100% refusal, "complete".
        var before = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        Assert.Null(JsonNode.Parse(before.Output)!["refusal"]?.GetValue<double?>());
        var table = await Support.Cli.RunAsync("score", dir.Full("run"));
        Assert.Contains("the run has no judge yet: judge its answers with 'mmsafe judge", table.Output + table.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "mock", "--cache", "off")).ExitCode);
        var after = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        var root = JsonNode.Parse(after.Output)!;
        Assert.NotNull(root["refusal"]); // scored by the judge just added, without --judge
        Assert.Equal(1, (int)root["empty_response_refusals"]!);
    }

    [Fact]
    public async Task Judging_an_import_whose_images_are_missing_is_refused_naming_them_before_anything_is_sent()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Q one."), new(2, 2, "Q two.")]);
        var import = await Support.Cli.RunAsync("import", dir.File("m.data.js", "cache['m'] = {\"1\": {\"response\": \"Sure.\"}, \"2\": {\"response\": \"Yes.\"}};"),
            "--benchmark", "mossbench", "--data", data, "--out", dir.Full("run"));
        Assert.True(import.ExitCode == 0, import.Error);
        File.Delete(Path.Combine(data, "images", "2.png"));
        await using var server = await FakeModelServer.StartAsync();
        var models = dir.File("models.yaml", $"models:\n  j:\n    model: judge-vlm\n    base_url: {server.BaseUrl}\n");

        var judged = await Support.Cli.RunAsync("judge", dir.Full("run"), "--models-file", models, "--judge", "j");

        Assert.Equal(2, judged.ExitCode); // before: exit 3, "judge requests failed … fix its endpoint"
        Assert.Contains("images are missing", judged.Error, StringComparison.Ordinal);
        Assert.Contains("images/2.png", judged.Error, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task The_official_export_of_a_judged_run_scores_and_imports_back_to_the_same_rates()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [.. Enumerable.Range(1, 8).Select(i => new MossBenchFixture.Item(i, i % 3 + 1, $"Question {i}."))]);
        var run = await Support.Cli.RunAsync("run", "mossbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off");
        Assert.True(run.ExitCode == 0, run.Error);
        var expected = JsonNode.Parse((await Support.Cli.RunAsync("score", dir.Full("run"), "--json")).Output)!;
        Assert.Equal(0, (await Support.Cli.RunAsync("export", dir.Full("run"), "--format", "official", "--to", dir.Full("official"))).ExitCode);
        var file = Directory.GetFiles(dir.Full("official"), "mossbench-*.json").Single();

        // Before: "the authors publish responses without verdicts, so there is nothing to score", and import refused the file.
        var scored = await Support.Cli.RunAsync("score", "mossbench", file, "--data", data, "--json");
        Assert.True(scored.ExitCode == 0, scored.Error);
        Assert.Equal((double?)expected["refusal"], (double?)JsonNode.Parse(scored.Output)!["refusal"]);

        var imported = await Support.Cli.RunAsync("import", file, "--benchmark", "mossbench", "--data", data, "--out", dir.Full("back"));
        Assert.True(imported.ExitCode == 0, imported.Error);
        var back = JsonNode.Parse((await Support.Cli.RunAsync("score", dir.Full("back"), "--json")).Output)!;
        Assert.Equal((double?)expected["refusal"], (double?)back["refusal"]);
    }

    [Theory]
    [InlineData("var x = {}", "does not start with cache['MODEL']")]
    [InlineData("cache['m'] = {\"1\": {\"response\": 3}}", "pid 1 has no string 'response'")]
    [InlineData("cache['m'] = {\"1\": ", "is not valid JSON")]
    public async Task A_malformed_data_js_file_is_one_clear_line(string content, string expected)
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Q one.")]);
        var result = await Support.Cli.RunAsync("import", dir.File("bad.data.js", content), "--benchmark", "mossbench", "--data", data, "--out", dir.Full("run"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(Directory.Exists(dir.Full("run")));
    }
}
