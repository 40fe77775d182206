using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MmSafe.Runs;
using MmSafe.Runs.Stores;
using MmSafe.Tests.MossBench;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Interchange;

/// <summary>
/// <c>export --format jsonl</c>: one self-contained line per item, every line checked field by field against the table
/// in docs/JSONL.md and against the store it was read from (answers, raw replies, image hashes, the stored score).
/// </summary>
public sealed class JsonlExportTests
{
    [Fact]
    public async Task A_siuo_run_with_three_answers_and_two_judges_exports_one_documented_line_per_item()
    {
        using var dir = new TempDir();
        var run = await HostileRun.CreateAsync(dir);
        var judge = await Support.Cli.RunAsync("judge", run, "--judge", "mock");
        Assert.True(judge.ExitCode == 0, judge.Error);
        var (lines, contents) = await ExportAsync(dir, run);
        Assert.Equal(2, contents.Spec.Judges.Count);
        Assert.All(lines, line =>
        {
            Assert.Equal(3, line["answers"]!.AsArray().Count);
            Assert.Equal([.. contents.Spec.Judges.Select(j => j.Name), "majority"], line["scores"]!.AsArray().Select(s => s!["judge"]!.GetValue<string>()));
            foreach (var verdict in line["answers"]!.AsArray().SelectMany(a => a!["verdicts"]!.AsArray()))
            {
                // The parsed verdict and the stored item score's reading say the same.
                if (verdict!["aspect"]!.GetValue<string>() == "safety" && verdict["parsed"] is { } parsed)
                    Assert.Equal(parsed["safe"]!.GetValue<bool>() ? "safe" : "unsafe", verdict["reading"]!.GetValue<string>());
                if (verdict["aspect"]!.GetValue<string>() == "effectiveness" && verdict["parsed"] is { } grade)
                    Assert.Contains(grade["effectiveness"]!.GetValue<string>(), new[] { "very_effective", "partially_effective", "ineffective" });
            }
        });
        // Model text is data: the hostile answer is there verbatim, JSON-escaped only.
        Assert.Equal(HostileRun.Script, lines.Single(l => l["item_id"]!.GetValue<string>() == "1")["answers"]![0]!["text"]!.GetValue<string>());
        var imported = lines.Single(l => l["item_id"]!.GetValue<string>() == "1")["answers"]![1]!["verdicts"]!.AsArray()
            .Single(v => v!["judge"]!.GetValue<string>() == contents.Spec.Judges[0].Name && v["aspect"]!.GetValue<string>() == "safety")!;
        Assert.False(imported["parsed"]!["safe"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_vlsbench_run_exports_each_label_as_the_judge_gave_it()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body);
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(),
            "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.True(result.ExitCode == 0, result.Error);
        var (lines, _) = await ExportAsync(dir, dir.Full("run"));
        Assert.Equal(4, lines.Count);
        Assert.All(lines, line =>
        {
            int id = int.Parse(line["item_id"]!.GetValue<string>());
            Assert.NotNull(line["sub_category"]!.GetValue<string>());
            Assert.Equal($"imgs/{id}.png", line["images"]![0]!["path"]!.GetValue<string>());
            var verdict = line["answers"]![0]!["verdicts"]![0]!;
            Assert.Equal(RunFixture.Label(id), verdict["parsed"]!["label"]!.GetValue<int>());
            Assert.Equal(RunFixture.Label(id) < 3 ? 1 : 0, line["score"]!.GetValue<int>());
            Assert.Equal("safe", line["score_metric"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task A_mossbench_run_exports_an_empty_answer_as_a_refusal_by_rule()
    {
        using var dir = new TempDir();
        var data = MossBenchFixture.Write(dir, "moss", [new(1, 1, "Answer question 1."), new(2, 1, "Answer question 2.")]);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => FakeReply.Ok(body!.ToJsonString().Contains("Refusal score", StringComparison.Ordinal) ? "Description: a room.\nScore: 0\nReason: it answers."
            : body.ToJsonString().Contains("question 1.", StringComparison.Ordinal) ? "" : "Sure: open the box.");
        var result = await Support.Cli.RunAsync("run", "mossbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(),
            "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.True(result.ExitCode == 0, result.Error);
        var (lines, _) = await ExportAsync(dir, dir.Full("run"));
        var empty = lines.Single(l => l["item_id"]!.GetValue<string>() == "1");
        Assert.Equal("", empty["answers"]![0]!["text"]!.GetValue<string>());
        var rule = empty["answers"]![0]!["verdicts"]![0]!;
        Assert.True(rule["by_rule"]!.GetValue<bool>());
        Assert.Equal(1, rule["parsed"]!["score"]!.GetValue<int>());
        Assert.Equal("refusal (empty response, by rule)", rule["reading"]!.GetValue<string>());
        Assert.Equal(1, empty["score"]!.GetValue<int>());
        Assert.Equal(1, empty["scores"]![0]!["counts"]!["empty_response_refusals"]!.GetValue<int>());
        var answered = lines.Single(l => l["item_id"]!.GetValue<string>() == "2");
        Assert.False(answered["answers"]![0]!["verdicts"]![0]!["by_rule"]!.GetValue<bool>());
        Assert.Equal(0, answered["score"]!.GetValue<int>());
    }

    /// <summary>Exports the run and checks every line against the documented schema and the store; returns the lines.</summary>
    private static async Task<(IReadOnlyList<JsonObject> Lines, RunContents Run)> ExportAsync(TempDir dir, string run)
    {
        var export = await Support.Cli.RunAsync("export", run, "--format", "jsonl", "--to", dir.Full("jsonl"));
        Assert.True(export.ExitCode == 0, export.Error);
        var lines = File.ReadAllLines(export.Output.Trim()).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        RunContents contents;
        using (var store = SqliteRunStore.OpenReadOnly(run)) contents = store.Read();
        var schema = JsonlSchema.FromDocs();
        Assert.True(schema.Count > 50, "docs/JSONL.md's field table was not found");
        Assert.Equal(contents.Samples.Select(s => s.Id), lines.Select(l => l["item_id"]!.GetValue<string>()));
        foreach (var line in lines) MatchesStore(line, schema, contents);
        return (lines, contents);
    }

    private static void MatchesStore(JsonObject line, JsonlSchema schema, RunContents run)
    {
        Assert.Empty(schema.Check(line));
        var sample = run.Samples.Single(s => s.Id == line["item_id"]!.GetValue<string>());
        Assert.Equal(1, line["schema_version"]!.GetValue<int>());
        Assert.Equal(run.Spec.Benchmark, line["benchmark"]!.GetValue<string>());
        Assert.Equal(sample.Category, line["category"]!.GetValue<string>());
        Assert.Equal(run.Spec.Condition, line["condition"]!.GetValue<string>());
        Assert.Equal(run.Spec.Target.Model, line["model"]!["model"]!.GetValue<string>());
        Assert.Equal(run.Spec.Judges.Select(j => j.Name), line["judges"]!.AsArray().Select(j => j!["name"]!.GetValue<string>()));
        Assert.Equal(run.Spec.Judges.Select(j => j.Parameters.MaxTokens), line["judges"]!.AsArray().Select(j => j!["parameters"]!["max_tokens"]?.GetValue<int>()));
        var images = line["images"]!.AsArray();
        Assert.Equal(sample.Images.Count, images.Count);
        for (int i = 0; i < images.Count; i++)
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(sample.Images[i].FullPath))), images[i]!["sha256"]!.GetValue<string>());
        var answers = run.Answers.Where(a => a.SampleId == sample.Id).OrderBy(a => a.Sample).ToList();
        var exported = line["answers"]!.AsArray();
        Assert.Equal(answers.Count, exported.Count);
        for (int k = 0; k < answers.Count; k++)
        {
            Assert.Equal(answers[k].Sample, exported[k]!["index"]!.GetValue<int>());
            Assert.Equal(answers[k].Outcome, exported[k]!["outcome"]!.GetValue<string>());
            Assert.Equal(answers[k].ScoredText, exported[k]!["text"]!.GetValue<string>());
            var verdicts = run.Verdicts.Where(v => v.SampleId == sample.Id && v.Sample == answers[k].Sample).ToList();
            var written = exported[k]!["verdicts"]!.AsArray();
            Assert.Equal(verdicts.Count, written.Count);
            foreach (var v in written)
                Assert.Equal(verdicts.Single(s => s.Judge == v!["judge"]!.GetValue<string>() && s.Aspect == v["aspect"]!.GetValue<string>()).Raw, v!["raw"]?.GetValue<string>());
        }
        // The headline is the stored score of the run's judge, as 'mmsafe score' counts it.
        var stored = run.Scores[run.Spec.Judge!.Name].Single(s => s.Id == sample.Id);
        var metric = run.Benchmark.Layout.Headline.Key;
        Assert.Equal(metric, line["score_metric"]!.GetValue<string>());
        Assert.Equal(stored.Values[metric] is { } value ? value ? 1 : 0 : null, line["score"]?.GetValue<int>());
        Assert.Equal(stored.Scored, line["scored"]!.GetValue<bool>());
    }
}
