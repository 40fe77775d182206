using System.Text.Json.Nodes;
using MmSafe.Benchmarks;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Benchmarks;

/// <summary>
/// A benchmark the library does not know (<see cref="OverRefusalTestBenchmark"/>), registered at run time and driven
/// through the real command line: run, score, report, export, compare and data check. Its headline is lower-is-better,
/// so the model that refuses less ranks first and its bars are drawn in the "bad news" colour.
/// </summary>
public sealed class RegisteredBenchmarkTests
{
    // Four harmless questions; "refuser" refuses all but the fourth, "helper" only the first: 75% and 25% by construction.
    internal static TempDir Data()
    {
        var dir = new TempDir();
        var items = new JsonArray();
        for (int i = 1; i <= 4; i++)
        {
            dir.File($"data/images/{i}.png", TestImages.Png(8, 8));
            items.Add(new JsonObject { ["id"] = $"{i}", ["question"] = $"Harmless question {i}?", ["category"] = i <= 2 ? "kitchen" : "garden", ["image"] = $"images/{i}.png" });
        }
        dir.File($"data/{OverRefusalTestData.FileName}", items.ToJsonString());
        return dir;
    }

    internal static FakeReply Answer(JsonNode? body)
    {
        string text = body?.ToJsonString() ?? "";
        bool refuser = (string?)body?["model"] == "refuser";
        bool refuses = refuser ? !text.Contains("question 4", StringComparison.Ordinal) : text.Contains("question 1", StringComparison.Ordinal);
        return FakeReply.Ok(refuses ? "I cannot help with that." : "Sure, here it is.");
    }

    private static async Task<string> RunAsync(TempDir dir, FakeModelServer server, string model)
    {
        var run = await Support.Cli.RunAsync("run", OverRefusalTestBenchmark.BenchmarkName, "--data", dir.Full("data"), "--model", model, "--base-url", server.BaseUrl.ToString(),
            "--judge", "mock", "--out", dir.Full(model), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        return dir.Full(model);
    }

    [Fact]
    public async Task A_benchmark_defined_in_the_tests_runs_end_to_end_through_the_command_line()
    {
        using var registered = OverRefusalTestBenchmark.Register();
        using var dir = Data();
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = Answer;
        string refuser = await RunAsync(dir, server, "refuser"), helper = await RunAsync(dir, server, "helper");

        var score = await Support.Cli.RunAsync("score", refuser, "--json");
        Assert.True(score.ExitCode == 0, score.Error);
        var overall = JsonNode.Parse(score.Output)!;
        Assert.Equal(75.0, (double)overall["refused"]!);
        Assert.Equal(25.0, (double)overall["complied"]!);

        var export = await Support.Cli.RunAsync("export", refuser, "--format", "official", "--to", dir.Full("official"));
        Assert.True(export.ExitCode == 0, export.Error);
        var official = JsonNode.Parse(File.ReadAllText(dir.Full("official/overrefusal-results.json")))!.AsArray();
        Assert.Equal([1, 1, 1, 0], official.Select(i => (int)i!["verdict"]!));

        var check = await Support.Cli.RunAsync("data", "check", dir.Full("data"));
        Assert.True(check.ExitCode == 0, check.Error);
        Assert.Contains("Test over-refusal", check.Output);
        Assert.Contains("not the published file", check.Output);

        var report = await Support.Cli.RunAsync("report", refuser, "--out", dir.Full("report.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        var html = File.ReadAllText(dir.Full("report.html"));
        Assert.Contains("Refused by category (lower is better)", html);
        Assert.Contains("fill=\"#c0392b\"", html);
        Assert.Contains("made up for the test", html);

        // Lower is better: the helper (25%) ranks above the refuser (75%), and the leaderboard says which way is better.
        var compare = await Support.Cli.RunAsync("compare", refuser, helper, "--json");
        Assert.True(compare.ExitCode == 0, compare.Error);
        var rows = JsonNode.Parse(compare.Output)!["leaderboard"]!.AsArray();
        Assert.Equal(["helper", "refuser"], rows.Select(r => (string)r!["model"]!));
        Assert.All(rows, r => Assert.True((bool)r!["lower_is_better"]!));
        var table = await Support.Cli.RunAsync("compare", refuser, helper);
        Assert.Contains("refused (lower is better)", table.Output.Replace("\n", " ", StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registering_twice_is_a_no_op_a_taken_name_is_refused_and_other_flows_do_not_see_it()
    {
        using (OverRefusalTestBenchmark.Register())
        using (OverRefusalTestBenchmark.Register())
        {
            Assert.Single(BenchmarkRegistry.All, b => b.Name == OverRefusalTestBenchmark.BenchmarkName);
            Assert.Single(BenchmarkRegistry.Datasets, d => d.Name == OverRefusalTestData.Instance.Name);
            Assert.Contains(OverRefusalTestBenchmark.BenchmarkName, await Task.Run(() => BenchmarkRegistry.Names)); // flows into work it starts
            // A flow that did not register it (started before, as a parallel test is) does not see it.
            Task<IReadOnlyList<string>> elsewhere;
            using (ExecutionContext.SuppressFlow()) elsewhere = Task.Run(() => BenchmarkRegistry.Names);
            Assert.DoesNotContain(OverRefusalTestBenchmark.BenchmarkName, await elsewhere);
        }
        Assert.Null(BenchmarkRegistry.Find(OverRefusalTestBenchmark.BenchmarkName));
        Assert.Throws<InvalidOperationException>(() => BenchmarkRegistry.Register(new Impostor()));
        Assert.Throws<InvalidOperationException>(() => BenchmarkRegistry.RegisterLocal(new Impostor()));
        Assert.IsType<MmSafe.Benchmarks.VlsBench.VlsBenchBenchmark>(BenchmarkRegistry.Get("vlsbench"));
    }

    // Another type under a real benchmark's name.
    private sealed class Impostor : IBenchmark
    {
        private readonly IBenchmark _inner = new OverRefusalTestBenchmark();
        public string Name => "vlsbench";
        public string ProtocolVersion => _inner.ProtocolVersion;
        public string Description => _inner.Description;
        public string ResultsFileHelp => _inner.ResultsFileHelp;
        public (MmSafe.Scoring.ScoreSheet Sheet, IReadOnlyList<string> Warnings) ScoreResultsFile(string file, string? data) => _inner.ScoreResultsFile(file, data);
        public string DataDescription => _inner.DataDescription;
        public BenchmarkProtocol Protocol => _inner.Protocol;
        public MmSafe.Scoring.ScoreLayout Layout => _inner.Layout;
        public BenchmarkData Load(string rootOrFile) => _inner.Load(rootOrFile);
        public string Question(Sample sample) => _inner.Question(sample);
        public IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> TargetMessages(Sample sample, IReadOnlyList<MmSafe.Images.ImageData> images) => _inner.TargetMessages(sample, images);
        public string Normalise(string answer) => answer;
        public JudgeRequest Judge(Sample sample, string aspect, string answer, IReadOnlyList<MmSafe.Images.ImageData> images) => _inner.Judge(sample, aspect, answer, images);
        public MmSafe.Scoring.ItemScore Score(Sample sample, IReadOnlyList<JudgedAnswer> answers) => _inner.Score(sample, answers);
        public IReadOnlyList<OfficialFile> Official(AnsweredRun run, string? judge) => _inner.Official(run, judge);
    }
}
