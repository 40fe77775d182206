using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>Regression tests for the defects of the "Trustworthy runs" issue: each failed on the code before the redesign.</summary>
public sealed class TrustworthyRunTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string WriteSiuo(TempDir dir, int items = 2)
    {
        dir.Json("siuo/siuo_gen.json", Enumerable.Range(1, items).Select(i => Fixtures.SiuoGen(i, $"S-{i}.png")).ToArray());
        for (int i = 1; i <= items; i++) dir.File($"siuo/images/S-{i}.png", MmSafe.Images.TinyPng.Solid(4, 4, (byte)(40 * i), 0, 0));
        return dir.Full("siuo");
    }

    private static bool IsJudge(JsonNode? body) => body?.ToJsonString() is { } t && (t.Contains("Judgement:]", StringComparison.Ordinal) || t.Contains("red-teaming", StringComparison.Ordinal));

    private static FakeReply SiuoJudge(JsonNode? body) => body!.ToJsonString().Contains("[Safety Judgement:]", StringComparison.Ordinal)
        ? FakeReply.Ok("[Reasons:] r [Safety Judgement:] True")
        : FakeReply.Ok("[Reasons:] r [Effectiveness Judgement:] Very Effective");

    private static string[] SiuoArgs(string data, FakeModelServer server, string outDir, params string[] more) =>
        ["run", "siuo-gen", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(),
         "--out", outDir, "--json", .. more];

    private static RunContents Read(string dir)
    {
        using var store = SqliteRunStore.OpenExisting(dir);
        return store.Read();
    }

    [Fact]
    public async Task A_SIUO_run_killed_mid_item_and_resumed_with_the_cache_on_keeps_three_distinct_answers()
    {
        using var dir = new TempDir();
        var data = WriteSiuo(dir, items: 1);
        int targets = 0;
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body =>
        {
            if (IsJudge(body)) return SiuoJudge(body);
            int n = Interlocked.Increment(ref targets);
            // The first answer comes at once; the other two are still in flight when the process is killed.
            return n == 1 ? FakeReply.Ok("Answer 1") : new FakeReply.Delayed(TimeSpan.FromSeconds(60), FakeReply.Ok($"Late answer {n}"));
        };
        string[] args = [.. SiuoArgs(data, server, dir.Full("run"), "--cache", dir.Full("cache.db"))];
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliProcess.DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using (var process = Process.Start(start)!)
        {
            var clock = Stopwatch.StartNew();
            // Answer 1 and its two verdicts completed: the verdicts are asked only once the answer is stored.
            while (server.Completed.Count < 3 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20, Token);
            Assert.Equal(1, AnswerCount(dir.Full("run")));
            if (process.HasExited) Assert.Fail($"the run ended before it could be killed: {await process.StandardError.ReadToEndAsync(Token)}");
            process.Kill(entireProcessTree: true); // SIGKILL, mid-item: answer 0 stored, 1 and 2 in flight
            await process.WaitForExitAsync(Token);
        }
        Assert.Equal(1, AnswerCount(dir.Full("run")));

        server.Responder = body => IsJudge(body) ? SiuoJudge(body) : FakeReply.Ok($"Answer {Interlocked.Increment(ref targets)}");
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--json", "--cache", dir.Full("cache.db"));
        Assert.Equal(0, resumed.ExitCode);
        var answers = Read(dir.Full("run")).Answers.Select(a => a.Text).ToList();
        Assert.Equal(3, answers.Count);
        Assert.Equal(3, answers.Distinct().Count()); // before: samples 1 and 2 were served sample 0's cached answer
    }

    private static int AnswerCount(string runDir)
    {
        try
        {
            using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(runDir, "run.db")};Mode=ReadOnly;Pooling=False");
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM answers WHERE error IS NULL";
            return Convert.ToInt32(command.ExecuteScalar());
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task A_content_policy_rejection_is_counted_not_scored_safe()
    {
        using var dir = new TempDir();
        var data = WriteSiuo(dir, items: 2);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => IsJudge(body) ? SiuoJudge(body)
            : body!.ToJsonString().Contains("Question 1?", StringComparison.Ordinal)
                ? FakeReply.Status(400, """{"error":{"message":"Your request was rejected by our safety system.","code":"content_policy_violation"}}""")
                : FakeReply.Ok("A reply.");
        var result = await Support.Cli.RunAsync(SiuoArgs(data, server, dir.Full("run"), "--cache", "off"));
        Assert.Equal(0, result.ExitCode); // a rejection is an outcome: the scores are complete
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(3, root.GetProperty("outcomes").GetProperty("filtered").GetInt32());
        Assert.Equal(1, root.GetProperty("unscored_items").GetInt32());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("safe").GetProperty("n").GetInt32()); // before: item 1 was judged "empty, so safe"
        Assert.Equal((100.0, 50.0), (root.GetProperty("bounds").GetProperty("best").GetDouble(), root.GetProperty("bounds").GetProperty("worst").GetDouble()));
        Assert.DoesNotContain(server.Received, r => IsJudge(r.Body) && r.Body!.ToJsonString().Contains("Question 1?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Empty_choices_and_null_content_are_outcomes_of_their_own_not_empty_answers()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 4);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body =>
        {
            var text = body!.ToJsonString();
            if (text.Contains("Instruction 0", StringComparison.Ordinal) && !IsJudge(body))
                return new FakeReply.Raw(200, "application/json", """{"id":"x","object":"chat.completion","model":"m","choices":[]}""", []);
            if (text.Contains("Instruction 1", StringComparison.Ordinal) && !IsJudge(body))
                return new FakeReply.Raw(200, "application/json", """{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}""", []);
            return RunFixture.Answer(body);
        };
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(),
            "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.Equal(3, result.ExitCode); // a malformed reply leaves the scores incomplete
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal((1, 1, 2), (root.GetProperty("outcomes").GetProperty("malformed").GetInt32(), root.GetProperty("outcomes").GetProperty("empty").GetInt32(),
            root.GetProperty("outcomes").GetProperty("answered").GetInt32()));
        Assert.Equal(2, root.GetProperty("counts").GetProperty("safe").GetProperty("n").GetInt32()); // before: both scored as real (unsafe) answers
        Assert.Equal(2, server.Received.Count(r => IsJudge(r.Body)));
    }

    [Fact]
    public async Task An_endpoint_that_fails_every_request_ends_with_exit_3_not_a_table_of_na()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(400, """{"error":{"message":"model overloaded"}}""");
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(),
            "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--cache", "off");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no item could be scored", result.Error);
    }

    [Fact]
    public async Task The_spec_records_the_values_sent_and_resume_restores_all_of_them()
    {
        using var dir = new TempDir();
        var data = WriteSiuo(dir, items: 2);
        dir.File("models.yaml", $"""
            models:
              local:
                model: local-vlm
                base_url: {"{URL}"}
                concurrency: 3
                image_detail: low
                parameters: {"{"} seed: 5, system_prompt: "Be brief." {"}"}
            """);
        await using var server = await FakeModelServer.StartAsync();
        File.WriteAllText(dir.Full("models.yaml"), File.ReadAllText(dir.Full("models.yaml")).Replace("{URL}", server.BaseUrl.ToString()));
        server.Responder = body => IsJudge(body) ? SiuoJudge(body) : FakeReply.Ok($"Reply {Guid.NewGuid()}");
        server.Script(FakeReply.Status(400), FakeReply.Status(400)); // two target requests fail: the run is resumed below
        string[] first = ["run", "siuo-gen", "--data", data, "--models-file", dir.Full("models.yaml"), "--model", "local", "--judge", "j",
            "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", "off", "--temperature", "0.7", "--max-tokens", "77", "--samples", "2"];
        var run = await Support.Cli.RunAsync(first);
        Assert.Equal(3, run.ExitCode);

        var spec = Read(dir.Full("run")).Spec;
        Assert.Equal(new MmSafe.Models.GenerationParameters(0.7, null, 77, 5, "Be brief."), spec.Target.Parameters);
        Assert.Equal(("low", 2, 3), (spec.Target.ImageDetail, spec.Samples, spec.Operations["local"].Concurrency));
        Assert.Equal(new MmSafe.Models.GenerationParameters(0, null, 200, null, null), spec.Judge!.Parameters);

        int before = server.Received.Count;
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--json", "--cache", "off");
        Assert.Equal(0, resumed.ExitCode);
        var again = server.Received.Skip(before).Select(r => r.Body!).Where(b => !IsJudge(b)).ToList();
        Assert.Equal(2, again.Count);
        Assert.All(again, b => Assert.Equal((0.7, 77, "low", "Be brief."), (b["temperature"]!.GetValue<double>(), b["max_tokens"]!.GetValue<int>(),
            b["messages"]![1]!["content"]![1]!["image_url"]!["detail"]!.GetValue<string>(), b["messages"]![0]!["content"]!.GetValue<string>())));
        Assert.All(again, b => Assert.InRange(b["seed"]!.GetValue<long>(), 5, 6));

        var deviations = JsonDocument.Parse(resumed.Output).RootElement.GetProperty("deviations").EnumerateArray().Select(d => d.GetString()!).ToList();
        Assert.Contains("2 answers per item (protocol: 3)", deviations);
        Assert.Contains(deviations, d => d.StartsWith("target temperature 0.7", StringComparison.Ordinal));
        Assert.Contains(deviations, d => d.StartsWith("target system prompt", StringComparison.Ordinal));
        Assert.Contains(deviations, d => d.StartsWith("target image detail 'low'", StringComparison.Ordinal));

        var changed = await Support.Cli.RunAsync([.. first.Select(a => a == "0.7" ? "0.2" : a)]);
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("target temperature: recorded 0.7, now 0.2", changed.Error);
        var resumeWithFlags = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--temperature", "1");
        Assert.Equal(2, resumeWithFlags.ExitCode);
        Assert.Contains("--temperature", resumeWithFlags.Error);
    }

    [Fact]
    public async Task Only_a_400_about_response_format_turns_structured_output_off_and_it_is_recorded()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        await using var target = await FakeModelServer.StartAsync();
        target.Responder = body => RunFixture.Answer(body);
        await using var judge = await FakeModelServer.StartAsync();
        judge.Script(FakeReply.Status(400, """{"error":{"message":"image too small"}}"""));
        // Whichever answer is judged first gets the unrelated 400, the next request (still carrying response_format) the one
        // about it: the order of the answers does not matter, only the order of the judge's requests.
        int formatRefusals = 0;
        judge.Responder = body => body!["response_format"] is not null && Interlocked.Increment(ref formatRefusals) == 1
            ? FakeReply.Status(400, """{"error":{"message":"response_format json_schema is not supported by this server"}}""")
            : RunFixture.Answer(body);
        string[] args = ["run", "vlsbench", "--data", data, "--model", "t", "--base-url", target.BaseUrl.ToString(), "--concurrency", "1",
            "--judge", "j", "--judge-base-url", judge.BaseUrl.ToString(), "--judge-concurrency", "1", "--out", dir.Full("run"), "--json", "--cache", "off"];
        var first = await Support.Cli.RunAsync(args);
        var bodies = judge.Received.Select(r => r.Body!).ToList();
        // The unrelated 400 left structured output on; the one about response_format turned it off, and the run says so.
        Assert.NotNull(bodies[1]["response_format"]);
        Assert.Null(bodies[^1]["response_format"]);
        var events = Read(dir.Full("run")).Events;
        Assert.Equal(RunEvents.StructuredOutputOff, Assert.Single(events).Kind);
        var root = JsonDocument.Parse(first.Output).RootElement;
        Assert.Contains(root.GetProperty("deviations").EnumerateArray(), d => d.GetString()!.Contains("without structured output"));
        Assert.Equal(3, first.ExitCode); // the judge request hit by the unrelated 400 failed and is asked again on resume
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--json", "--cache", "off");
        Assert.Equal(0, resumed.ExitCode);
        Assert.Null(judge.Received.Last().Body!["response_format"]); // the recorded fallback holds on resume
    }

    [Fact]
    public async Task Every_samples_value_works_for_every_benchmark_or_is_refused()
    {
        using var dir = new TempDir();
        var vls = RunFixture.WriteVlsBench(dir, 3);
        var two = await Support.Cli.RunAsync("run", "vlsbench", "--data", vls, "--model", "mock", "--judge", "mock", "--samples", "2", "--out", dir.Full("vls"), "--json");
        Assert.Equal(0, two.ExitCode); // before: crashed after paying for every request
        var run = Read(dir.Full("vls"));
        Assert.Equal((6, 6), (run.Answers.Count, run.Verdicts.Count));
        Assert.All(run.Scores["mock"], s => Assert.Equal(2, s.Answers.Count));

        dir.Json("siuo/siuo_mcqa.json", Enumerable.Range(1, 2).Select(i => Fixtures.SiuoMcqa(i)).ToArray());
        for (int i = 1; i <= 2; i++) dir.File($"siuo/images/S-{i:00}.png", MmSafe.Images.TinyPng.Solid(4, 4, 9, 9, 9));
        await using var server = await FakeModelServer.StartAsync();
        var asked = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        server.Responder = body => FakeReply.Ok(asked.AddOrUpdate(body!["messages"]!.ToJsonString(), 1, (_, n) => n + 1) == 3 ? "(B)" : "(A)");
        var three = await Support.Cli.RunAsync("run", "siuo-mcqa", "--data", dir.Full("siuo"), "--model", "t", "--base-url", server.BaseUrl.ToString(),
            "--samples", "3", "--out", dir.Full("mcqa"), "--json", "--cache", "off");
        Assert.Equal(0, three.ExitCode);
        var mcqa = Read(dir.Full("mcqa"));
        Assert.All(mcqa.Scores[""], s => Assert.Equal(3, s.Answers.Count)); // before: sample 0 only
        Assert.Equal(100.0, JsonDocument.Parse(three.Output).RootElement.GetProperty("accuracy").GetDouble()); // A wins two of three in every item

        var zero = await Support.Cli.RunAsync("run", "vlsbench", "--data", vls, "--model", "mock", "--judge", "mock", "--samples", "0", "--out", dir.Full("zero"));
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--samples 0", zero.Error);
        var nobody = await Support.Cli.RunAsync("score", dir.Full("vls"), "--judge", "nobody");
        Assert.Equal(2, nobody.ExitCode); // before: n/a with exit 0
        Assert.Contains("no judge 'nobody'", nobody.Error);
    }

    [Fact]
    public async Task A_second_process_on_the_same_run_directory_is_refused_naming_the_holder()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body, TimeSpan.FromSeconds(30));
        string[] args = ["run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--judge", "j",
            "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", "off"];
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliProcess.DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var first = Process.Start(start)!;
        try
        {
            var clock = Stopwatch.StartNew();
            while (server.Received.Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50, Token); // both target requests in flight: the holder is busy
            var second = await Support.Cli.RunAsync(args);
            Assert.Equal(2, second.ExitCode);
            Assert.Contains($"in use by process {first.Id}", second.Error);
            Assert.Equal(2, server.Received.Count); // the second process sent nothing
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(Token);
        }
        var after = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        Assert.Equal(0, after.ExitCode); // a killed holder leaves the directory usable
    }

    [Fact]
    public async Task Answers_are_judged_while_the_target_is_still_answering()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 12);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body, TimeSpan.FromMilliseconds(100));
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--concurrency", "2",
            "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--judge-concurrency", "2", "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.Equal(0, result.ExitCode);
        var received = server.Received.ToList();
        var firstJudge = received.First(r => IsJudge(r.Body)).At;
        var lastTarget = received.Last(r => !IsJudge(r.Body)).At;
        Assert.True(firstJudge < lastTarget, "judging started only after generation ended");
    }

    [Fact]
    public async Task Score_report_and_export_read_the_store_alone()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--json");
        Assert.Equal(0, run.ExitCode);
        Directory.Delete(data, recursive: true);
        var score = await Support.Cli.RunAsync("score", dir.Full("run"), "--json");
        Assert.Equal(run.Scores(), score.Scores());
        var report = await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("report.html"));
        Assert.Equal(0, report.ExitCode);
        Assert.Contains("Instruction 2", File.ReadAllText(dir.Full("report.html"))); // the question comes from the stored inputs
        var export = await Support.Cli.RunAsync("export", dir.Full("run"), "--to", dir.Full("official"));
        Assert.Equal(0, export.ExitCode);
        Assert.Equal(3, JsonDocument.Parse(File.ReadAllText(dir.Full("official/vlsbench-mock.json"))).RootElement.GetProperty("logs").GetArrayLength());
    }

    [Fact]
    public async Task The_store_and_the_cache_know_a_request_by_one_identity_that_tells_samples_and_aspects_apart()
    {
        using var dir = new TempDir();
        var data = WriteSiuo(dir, items: 1);
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => IsJudge(body) ? SiuoJudge(body) : FakeReply.Ok($"Reply {Guid.NewGuid()}");
        var result = await Support.Cli.RunAsync(SiuoArgs(data, server, dir.Full("run"), "--cache", dir.Full("cache.db")));
        Assert.Equal(0, result.ExitCode);
        var run = Read(dir.Full("run"));
        var identities = run.Answers.Select(a => a.Identity).Concat(run.Verdicts.Select(v => v.Identity)).ToList();
        Assert.Equal(3 + 6, identities.Distinct().Count()); // 3 answers, each judged on 2 aspects: all different
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.Full("cache.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT identity FROM answers";
        var cached = new List<string>();
        using (var reader = command.ExecuteReader()) while (reader.Read()) cached.Add(reader.GetString(0));
        Assert.Equal(identities.Order(), cached.Order());
    }

    [Fact]
    public async Task Compare_and_the_report_flag_runs_made_with_other_settings()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        var official = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("a"), "--json");
        var changed = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("b"), "--json", "--max-tokens", "999");
        Assert.Equal((0, 0), (official.ExitCode, changed.ExitCode));
        Assert.Contains("target max_tokens 999 (protocol: 128)", changed.Error); // said before the run starts
        var compare = await Support.Cli.RunAsync("compare", dir.Full("a"), dir.Full("b"), "--format", "markdown");
        Assert.Contains("runs use different target settings", compare.Output);
        Assert.Contains("not the official protocol (target max_tokens 999 (protocol: 128))", compare.Output);
        await Support.Cli.RunAsync("report", dir.Full("b"), "--out", dir.Full("b.html"));
        Assert.Contains("target max_tokens 999 (protocol: 128)", File.ReadAllText(dir.Full("b.html")));
    }
}
