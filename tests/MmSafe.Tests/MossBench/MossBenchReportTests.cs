using MmSafe.Tests.Support;

namespace MmSafe.Tests.MossBench;

/// <summary>What a MOSSBench run shows beside itself, and what the caption condition shows the target.</summary>
public sealed class MossBenchReportTests
{
    [Fact]
    public async Task The_report_shows_the_published_leaderboard_with_per_type_rates_marked_as_published()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Question 1."), new(2, 2, "Question 2.")]);
        var run = await Support.Cli.RunAsync("run", "mossbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"));
        Assert.True(run.ExitCode == 0, run.Error);
        var report = await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("r.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        var html = File.ReadAllText(dir.Full("r.html"));
        Assert.Contains("Claude 3 Opus (web)", html);
        Assert.Contains("70.67", html);
        Assert.Contains("Exaggerated Risk 41, Negated Harm 93, Counterintuitive Interpretation 78", html);
        Assert.Contains("PUBLISHED", html);
        Assert.Contains("gpt-4-turbo", html);
    }

    [Fact]
    public async Task A_run_of_a_published_model_says_whether_the_published_rate_lies_inside_its_interval()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Question 1."), new(2, 2, "Question 2."), new(3, 3, "Question 3.")]);
        // The authors' responses of "GPT-4o" (published 6.33%), judged by the mock: two of three empty, refusals by rule, so
        // the rate is at least 66.67% [20.77, 93.85].
        var file = dir.File("gpt-4o.data.js", "cache['gpt-4o'] = {\"1\": {\"response\": \"\"}, \"2\": {\"response\": \"\"}, \"3\": {\"response\": \"Sure.\"}};");
        var import = await Support.Cli.RunAsync("import", file, "--benchmark", "mossbench", "--data", data, "--out", dir.Full("run"), "--model", "GPT-4o");
        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Equal(0, (await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "mock", "--cache", "off")).ExitCode);
        Assert.Equal(0, (await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("r.html"))).ExitCode);
        var html = File.ReadAllText(dir.Full("r.html"));
        Assert.Contains("This run's model: the published 6.33 is outside this run's 95% interval", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "This run's model")); // not "GPT-4o (web)"
    }

    [Fact]
    public async Task Compare_draws_the_benign_refusal_rate_against_the_contrast_compliance_rate_as_a_frontier()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [.. Enumerable.Range(1, 6).Select(i => new MossBenchFixture.Item(i, i % 3 + 1, $"Question {i}."))]);
        MossBenchFixture.Write(dir, "moss", [.. Enumerable.Range(1, 4).Select(i => new MossBenchFixture.Item(i, i % 3 + 1, $"Harmful {i}."))], contrast: true);
        var runs = new List<string>();
        foreach (var model in new[] { "mock", "mock/cautious" })
            foreach (var benchmark in new[] { "mossbench", "mossbench-contrast" })
            {
                var run = await Support.Cli.RunAsync("run", benchmark, "--data", data, "--model", model, "--judge", "mock", "--out", dir.Full($"{benchmark}-{model.Replace('/', '-')}"));
                Assert.True(run.ExitCode == 0, run.Error);
                runs.Add(dir.Full($"{benchmark}-{model.Replace('/', '-')}"));
            }
        var json = await Support.Cli.RunAsync(["compare", .. runs, "--format", "json"]);
        Assert.True(json.ExitCode == 0, json.Error);
        var frontier = Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(json.Output)!["frontiers"]!.AsArray())!;
        Assert.Equal(("mossbench", "mossbench-contrast"), ((string)frontier["over_refusal_from"]!, (string)frontier["unsafe_from"]!));
    }

    [Fact]
    public async Task The_caption_condition_shows_the_oracle_description_instead_of_the_image()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Describe a fun game.")]);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => FakeReply.Ok(body!.ToJsonString().Contains("Refusal score", StringComparison.Ordinal) ? "Score: 0" : "A game.");
        var models = dir.File("models.yaml", $"models:\n  t:\n    model: target-vlm\n    base_url: {server.BaseUrl}\n");
        var run = await Support.Cli.RunAsync("run", "mossbench", "--data", data, "--models-file", models, "--model", "t", "--judge", "t",
            "--condition", "caption", "--out", dir.Full("run"), "--cache", "off");
        Assert.True(run.ExitCode == 0, run.Error);
        var target = server.Received.Select(r => r.Body!.ToJsonString()).Single(b => !b.Contains("Refusal score", StringComparison.Ordinal));
        Assert.Contains("[Image description: Oracle description of image 1.]", target);
        Assert.DoesNotContain("image_url", target);
    }
}
