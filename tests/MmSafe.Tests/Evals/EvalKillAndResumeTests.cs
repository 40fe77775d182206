using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Evals;

/// <summary>
/// A 4-model × 2-benchmark evaluation file against loopback servers (one per target model, one judge), run as a user
/// runs it: the real <c>mmsafe eval</c> process, killed twice with SIGKILL, then run again to the end. Its leaderboard
/// must equal an uninterrupted evaluation's, and no request may be completed twice unless it was in flight at a kill.
/// </summary>
public sealed partial class EvalKillAndResumeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly string[] ModelNames = ["alpha", "bravo", "charlie", "delta"];

    private const int TargetRequestsPerModel = 4 * 3 + 6; // SIUO generation: 4 items × 3 answers; VLSBench: 6 items
    private const int JudgeRequests = 4 * (4 * 3 * 2 + 6); // per model: 12 answers × 2 aspects, 6 answers × 1

    [Fact]
    public async Task A_four_by_two_evaluation_killed_twice_resumes_to_the_uninterrupted_leaderboard_with_no_repeats()
    {
        using var dir = new TempDir();
        var siuo = WriteSiuo(dir);
        var vls = RunFixture.WriteVlsBench(dir, 6);

        var reference = await Servers.StartAsync();
        await using (reference)
        {
            var file = reference.EvalFile(dir, "reference", siuo, vls);
            var result = await CliProcess.RunAsync("eval", file);
            Assert.True(result.ExitCode == 0, result.Error);
        }

        await using var servers = await Servers.StartAsync();
        var evalFile = servers.EvalFile(dir, "killed", siuo, vls);
        var errors = new ConcurrentQueue<string>();
        var kills = new List<DateTime>();
        foreach (int at in new[] { 30, 110 }) // of 192 requests: during generation and judging of the first cells, then of later cells
        {
            using var process = CliProcess.Start(["eval", evalFile], errors);
            while (servers.Completed < at && !process.HasExited) await Task.Delay(5, Token);
            Assert.False(process.HasExited, $"the evaluation ended (exit {(process.HasExited ? process.ExitCode : 0)}) before it could be killed: {string.Join(" | ", errors)}");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Token);
            // The kill's mark lies after the process is gone and the server has read what it wrote before dying (a request
            // sent a moment before SIGKILL arrives after Kill() returns), and before the next process starts.
            await Task.Delay(200, Token);
            kills.Add(DateTime.UtcNow);
        }
        var last = await CliProcess.RunAsync("eval", evalFile);
        Assert.True(last.ExitCode == 0, last.Error);
        Assert.Contains("[8/8] ", last.Error); // without a terminal, a line per finished cell

        var expected = Rows(dir.Full("reference/leaderboard.json"));
        var resumed = Rows(dir.Full("killed/leaderboard.json"));
        Assert.Equal(8, resumed.Count); // 4 models × 2 benchmarks, one judge
        Assert.Equal(expected, resumed);
        Assert.Contains("siuo-gen charlie official 50 judge safe 4", resumed); // items 1 and 4 unsafe for the third model
        Assert.Contains("siuo-gen alpha official 75 judge safe 4", resumed);
        foreach (var name in new[] { "leaderboard.md", "leaderboard.csv", "report.html" }) Assert.True(File.Exists(dir.Full($"killed/{name}")), name);
        Assert.Contains("| siuo-gen | charlie | official | judge |", File.ReadAllText(dir.Full("killed/leaderboard.md")));

        // Each request was paid once, except those in flight when a kill came (at most the 6 the limits allow at once).
        var judged = servers.Judge.Completed.ToList();
        Assert.Equal(JudgeRequests, judged.Select(c => c.Fingerprint).Distinct().Count());
        FakeModelServer.AssertRepeatsStraddleKills([servers.Judge], kills); // a target asks one item three times by design (three samples)
        int extra = servers.Targets.Sum(t => t.Completed.Count - TargetRequestsPerModel) + judged.Count - JudgeRequests;
        Assert.InRange(extra, 0, 6 * kills.Count);
        Assert.All(servers.Targets, t => Assert.Equal(4 + 6, t.Completed.Select(c => c.Fingerprint).Distinct().Count()));
    }

    // "benchmark model condition judge metric percent n" per leaderboard row, without the run paths (they differ).
    private static List<string> Rows(string path) =>
        [.. JsonNode.Parse(File.ReadAllText(path))!["leaderboard"]!.AsArray().Select(r =>
            $"{r!["benchmark"]} {r["model"]} {r["condition"]} {r["percent"]} {r["judge"]} {r["metric"]} {r["n"]}")];

    private static string WriteSiuo(TempDir dir)
    {
        dir.Json("siuo/siuo_gen.json", Enumerable.Range(1, 4).Select(i => Fixtures.SiuoGen(i, $"S-{i}.png")).ToArray());
        for (int i = 1; i <= 4; i++) dir.File($"siuo/images/S-{i}.png", MmSafe.Images.TinyPng.Solid(4, 4, (byte)(40 * i), 0, 0));
        return dir.Full("siuo");
    }

    /// <summary>A target server per model and one judge server; the judge's verdicts depend on the item and the model only.</summary>
    private sealed class Servers : IAsyncDisposable
    {
        private static int _answers;

        public required FakeModelServer[] Targets { get; init; }

        public required FakeModelServer Judge { get; init; }

        public int Completed => Targets.Sum(t => t.Completed.Count) + Judge.Completed.Count;

        public static async Task<Servers> StartAsync()
        {
            var targets = new FakeModelServer[ModelNames.Length];
            for (int m = 0; m < targets.Length; m++)
            {
                targets[m] = await FakeModelServer.StartAsync();
                string model = ModelNames[m];
                targets[m].Responder = body =>
                {
                    var text = body!["messages"]!.ToJsonString();
                    var item = ItemNumber().Match(text).Groups[1].Value;
                    // Unique text per answer, so that every judge request differs from every other.
                    return new FakeReply.Delayed(TimeSpan.FromMilliseconds(15), FakeReply.Ok($"Answer {item} by {model} r{Interlocked.Increment(ref _answers)}"));
                };
            }
            var judge = await FakeModelServer.StartAsync();
            judge.Responder = body => new FakeReply.Delayed(TimeSpan.FromMilliseconds(15), JudgeReply(body!["messages"]!.ToJsonString()));
            return new Servers { Targets = targets, Judge = judge };
        }

        private static FakeReply JudgeReply(string text)
        {
            var answer = JudgedAnswer().Match(text);
            int item = int.Parse(answer.Groups[1].Value), model = Array.IndexOf(ModelNames, answer.Groups[2].Value);
            bool unsafeAnswer = (item + model) % 3 == 0;
            if (text.Contains("red-teaming safety judge", StringComparison.Ordinal))
                return FakeReply.Ok(unsafeAnswer ? """{"label": 3, "label_str": "Unsafe", "explanation": "e"}""" : """{"label": 1, "label_str": "Safe with refusal", "explanation": "e"}""");
            return text.Contains("[Safety Judgement:]", StringComparison.Ordinal)
                ? FakeReply.Ok($"[Reasons:] r [Safety Judgement:] {(unsafeAnswer ? "False" : "True")}")
                : FakeReply.Ok("[Reasons:] r [Effectiveness Judgement:] Very Effective");
        }

        public string EvalFile(TempDir dir, string name, string siuo, string vls)
        {
            var models = string.Concat(ModelNames.Select((m, i) => $"  {m}:\n    model: {m}-vl\n    base_url: {Targets[i].BaseUrl}\n    concurrency: 2\n"));
            dir.File($"{name}.models.yaml", $"models:\n{models}  judge:\n    model: judge-vl\n    base_url: {Judge.BaseUrl}\n    concurrency: 2\n");
            return dir.File($"{name}.eval.yaml", $"""
                out: {name}
                models_file: {name}.models.yaml
                models: [{string.Join(", ", ModelNames)}]
                benchmarks: [siuo-gen, vlsbench]
                data: {"{"} siuo: {siuo}, vlsbench: {vls} {"}"}
                judges: [judge]
                parallel: 2
                cache: off

                """);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var t in Targets) await t.DisposeAsync();
            await Judge.DisposeAsync();
        }
    }

    [GeneratedRegex(@"(?:Instruction|Question) (\d+)")]
    private static partial Regex ItemNumber();

    [GeneratedRegex(@"Answer (\d+) by (\w+) r")]
    private static partial Regex JudgedAnswer();
}
