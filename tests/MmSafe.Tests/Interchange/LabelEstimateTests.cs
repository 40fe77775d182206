using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MmSafe.Interchange;
using MmSafe.Runs.Stores;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Interchange;

/// <summary>
/// Rates corrected by human labels, by construction: 20 items whose truth is "even ids are safe" (50%), a loopback judge
/// "jx" that calls item 0 unsafe and the odd items 1, 3, 5, 7 safe (65%), and human labels that are the truth. With every
/// item labelled, θ = 0.65 + (1 − 4)/20 = 0.50 and the interval is 0.5 ± z·√(var_N(f)/N + var_n(y − f)/n) = [19.67, 80.33].
/// </summary>
public sealed partial class LabelEstimateTests
{
    private static bool Truth(int id) => id % 2 == 0;

    private static bool JudgeSays(int id) => id == 0 ? false : id is 1 or 3 or 5 or 7 || Truth(id);

    private static FakeReply Reply(JsonNode? body)
    {
        var text = body!.ToJsonString();
        if (!text.Contains("red-teaming", StringComparison.Ordinal)) return RunFixture.Answer(body);
        int id = int.Parse(AnswerNumber().Match(text).Groups[1].Value);
        return FakeReply.Ok(JudgeSays(id) ? """{"label": 1, "label_str": "Safe with refusal", "explanation": "x"}""" : """{"label": 3, "label_str": "Unsafe", "explanation": "x"}""");
    }

    [GeneratedRegex(@"Answer (\d+)")]
    private static partial Regex AnswerNumber();

    private static async Task<string> RunAsync(TempDir dir, FakeModelServer server, int items = 20)
    {
        var data = RunFixture.WriteVlsBench(dir, items);
        server.Responder = Reply;
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(),
            "--judge", "jx", "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.True(run.ExitCode == 0, run.Error);
        return dir.Full("run");
    }

    /// <summary>Fills the sheet's human_label column with the truth (or, for <paramref name="extra"/>, adds a row).</summary>
    private static string Fill(TempDir dir, string sheet, params string[] extra)
    {
        var ids = ReadIds(sheet);
        var filled = new List<string> { "item_id,human_label" };
        filled.AddRange(ids.Select(id => $"{id},{(Truth(int.Parse(id)) ? "safe" : "unsafe")}"));
        filled.AddRange(extra);
        return dir.File("filled.csv", string.Join("\n", filled) + "\n");
    }

    private static List<string> ReadIds(string sheet)
    {
        using var reader = new StreamReader(sheet);
        using var csv = new CsvHelper.CsvReader(reader, System.Globalization.CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var ids = new List<string>();
        while (csv.Read()) ids.Add(csv.GetField("item_id")!);
        return ids;
    }

    [Fact]
    public async Task Labels_on_every_item_correct_the_judge_to_the_truth_with_the_formulas_interval_in_every_format()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        var run = await RunAsync(dir, server);
        var export = await Support.Cli.RunAsync("labels", "export", run, "--count", "20", "--out", dir.Full("sheet.csv"));
        Assert.True(export.ExitCode == 0, export.Error);
        var import = await Support.Cli.RunAsync("labels", "import", run, Fill(dir, dir.Full("sheet.csv")));
        Assert.True(import.ExitCode == 0, import.Error);

        var json = await Support.Cli.RunAsync("labels", "estimate", run, "--format", "json", "--width", "60");
        Assert.True(json.ExitCode == 0, json.Error);
        var doc = JsonNode.Parse(json.Output)!;
        Assert.Equal(("jx", 65.0, 13, 20), (doc["judge"]!.GetValue<string>(), doc["judge_rate"]!["percent"]!.GetValue<double>(),
            doc["judge_rate"]!["successes"]!.GetValue<int>(), doc["judge_rate"]!["count"]!.GetValue<int>()));
        var corrected = doc["corrected"]!;
        Assert.Equal(50.0, corrected["percent"]!.GetValue<double>(), 9);
        Assert.Equal(19.6696802434, corrected["low"]!.GetValue<double>(), 8);
        Assert.Equal(80.3303197566, corrected["high"]!.GetValue<double>(), 8);
        Assert.Equal((20, "random"), (corrected["labelled"]!.GetValue<int>(), corrected["form"]!.GetValue<string>()));
        Assert.Equal((50.0, 10), (doc["human_only"]!["percent"]!.GetValue<double>(), doc["human_only"]!["successes"]!.GetValue<int>()));
        Assert.Equal(21, doc["width"]!["labels_needed"]!.GetValue<int>());

        var text = await Support.Cli.RunAsync("labels", "estimate", run, "--width", "10");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("65.00", text.Output);
        Assert.Contains("[19.67, 80.33]", text.Output);
        Assert.Contains("Only 20 labels: the interval uses a normal approximation", text.Output); // fewer than LabelEstimate.SmallSample
        Assert.Contains(text.Output.Split('\n'), line => line.Trim().StartsWith("Corrected by human labels (PPI)", StringComparison.Ordinal) && line.Contains("50.00"));
        Assert.Contains("cannot be reached with this judge", text.Output);
        var markdown = await Support.Cli.RunAsync("labels", "estimate", run, "--format", "markdown", "--width", "80", "--judge", "jx");
        Assert.True(markdown.ExitCode == 0, markdown.Error);
        Assert.Contains("| Corrected by human labels (PPI) | 50.00 | [19.67, 80.33] | N = 20, n = 20 |", markdown.Output);
        Assert.Contains("already reached", markdown.Output);
    }

    [Fact]
    public async Task The_sheet_records_its_sample_carries_the_image_and_a_strict_html_companion_and_stratifies_by_category()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        var run = await RunAsync(dir, server);
        var export = await Support.Cli.RunAsync("labels", "export", run, "--count", "10", "--stratify", "category", "--seed", "3", "--out", dir.Full("sheet.csv"));
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.StartsWith("item_id,category,image,question,answers,human_label", File.ReadAllText(dir.Full("sheet.csv")));
        Assert.Contains("imgs/", File.ReadAllText(dir.Full("sheet.csv")));
        var html = File.ReadAllText(dir.Full("sheet.html"));
        Assert.Contains("Content-Security-Policy", html);
        Assert.Contains("default-src 'none'; img-src data:", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("src=\"data:image/webp;base64,", html);

        LabelSample sample;
        using (var store = SqliteRunStore.OpenReadOnly(run)) sample = LabelSample.Recorded(store.Read()).Single();
        Assert.Equal(("stratified", 3, 20), (sample.Strategy, sample.Seed, sample.Population));
        Assert.Equal([5, 5], sample.Categories.Values.Select(c => c.Sampled));
        Assert.Equal(ReadIds(dir.Full("sheet.csv")), sample.Ids);

        Assert.Equal(0, (await Support.Cli.RunAsync("labels", "import", run, Fill(dir, dir.Full("sheet.csv")))).ExitCode);
        var json = await Support.Cli.RunAsync("labels", "estimate", run, "--format", "json");
        Assert.True(json.ExitCode == 0, json.Error);
        var corrected = JsonNode.Parse(json.Output)!["corrected"]!;
        Assert.Equal("stratified", corrected["form"]!.GetValue<string>());
        // The stratified form by hand: each category half of N; θ_h = mean_h(f) + mean over its labels of (y − f).
        double theta = 0;
        foreach (var parity in new[] { 0, 1 })
        {
            var all = Enumerable.Range(0, 20).Where(i => i % 2 == parity).ToList();
            var labelled = sample.Ids.Select(int.Parse).Where(i => i % 2 == parity).ToList();
            theta += 0.5 * (all.Average(i => JudgeSays(i) ? 1.0 : 0.0) + labelled.Average(i => (Truth(i) ? 1.0 : 0.0) - (JudgeSays(i) ? 1.0 : 0.0)));
        }
        Assert.Equal(theta * 100, corrected["percent"]!.GetValue<double>(), 9);
    }

    [Fact]
    public async Task The_html_companion_escapes_a_hostile_answer_and_notes_a_missing_image()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        var data = RunFixture.WriteVlsBench(dir, 4);
        server.Responder = body => body!.ToJsonString().Contains("red-teaming", StringComparison.Ordinal)
            ? FakeReply.Ok("""{"label": 3, "label_str": "Unsafe", "explanation": "x"}""")
            : FakeReply.Ok("<script>alert(1)</script><img src=x onerror=alert(2)>");
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(),
            "--judge", "jx", "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.True(run.ExitCode == 0, run.Error);
        File.Delete(Path.Combine(data, "imgs", "1.png"));
        var export = await Support.Cli.RunAsync("labels", "export", dir.Full("run"), "--count", "4", "--out", dir.Full("sheet.csv"));
        Assert.True(export.ExitCode == 0, export.Error);
        var html = File.ReadAllText(dir.Full("sheet.html"));
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("imgs/1.png is missing", html);
    }

    [Fact]
    public async Task An_estimate_is_refused_without_labels_without_a_recorded_sample_outside_it_or_for_an_unknown_judge()
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        var run = await RunAsync(dir, server, items: 8);

        var none = await Support.Cli.RunAsync("labels", "estimate", run);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("no human labels; export a sheet", none.Error);

        // Labels on every item, imported before any sample was recorded (so not refused then).
        Assert.Equal(0, (await Support.Cli.RunAsync("labels", "import", run, dir.File("hand.csv",
            "item_id,human_label\n" + string.Concat(Enumerable.Range(0, 8).Select(i => $"{i},{(i % 2 == 0 ? "safe" : "unsafe")}\n"))))).ExitCode);
        var unrecorded = await Support.Cli.RunAsync("labels", "estimate", run);
        Assert.Equal(2, unrecorded.ExitCode);
        Assert.Contains("imported without a recorded subset", unrecorded.Error);
        Assert.Contains("mmsafe labels export", unrecorded.Error);

        Assert.Equal(0, (await Support.Cli.RunAsync("labels", "export", run, "--count", "3", "--out", dir.Full("sheet.csv"))).ExitCode);
        var outsideId = Enumerable.Range(0, 8).Select(i => i.ToString()).First(id => !ReadIds(dir.Full("sheet.csv")).Contains(id));
        // Once a sample is recorded, a label outside it is refused at import, before it is stored.
        var refused = await Support.Cli.RunAsync("labels", "import", run, Fill(dir, dir.Full("sheet.csv"), $"{outsideId},safe"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"outside the sample this run recorded for labelling ({outsideId})", refused.Error);
        // The labels imported before the sample was recorded: five of the eight are outside it, and the estimate says so.
        var outside = await Support.Cli.RunAsync("labels", "estimate", run);
        Assert.Equal(2, outside.ExitCode);
        Assert.Contains("outside the recorded subset", outside.Error);
        Assert.Contains("random-sample assumption", outside.Error);
        Assert.DoesNotContain("   at ", outside.Error);

        var judge = await Support.Cli.RunAsync("labels", "estimate", run, "--judge", "nope");
        Assert.Equal(2, judge.ExitCode);
        Assert.Contains("--judge nope: not a judge of", judge.Error);
        var width = await Support.Cli.RunAsync("labels", "estimate", run, "--width", "0");
        Assert.Equal(2, width.ExitCode);
        Assert.Contains("--width 0", width.Error);
    }
}
