using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Text.Json;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>A target that sends megabytes: the store keeps a capped copy (flagged), and the report shows a short, marked start.</summary>
public sealed class AnswerCapTests
{
    private const int Huge = 5 * 1024 * 1024;

    [Fact]
    public async Task Two_five_megabyte_answers_are_stored_capped_flagged_and_shown_cut_in_a_small_report()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 3);
        await using var server = await FakeModelServer.StartAsync();
        // Items 0 and 1 get a 5 MB answer ("Answer N " and then x…); item 2 an ordinary one. The judge labels by N.
        server.Responder = body =>
        {
            var text = body!.ToJsonString();
            bool judge = text.Contains("red-teaming", StringComparison.Ordinal);
            foreach (var n in new[] { 0, 1 })
                if (!judge && text.Contains($"Instruction {n}", StringComparison.Ordinal)) return FakeReply.Ok($"Answer {n} " + new string('x', Huge));
            return RunFixture.Answer(body);
        };
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(),
            "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.True(run.ExitCode == 0, run.Error);

        RunContents contents;
        using (var store = SqliteRunStore.OpenReadOnly(dir.Full("run"))) contents = store.Read();
        Assert.Equal([AnswerCap.StoredChars, AnswerCap.StoredChars], contents.Answers.Where(a => a.SampleId is "0" or "1").Select(a => a.Text!.Length));
        Assert.Equal(2, contents.Events.Count(e => e.Kind == RunEvents.AnswerCut));
        // The judge was sent the stored copy, not 5 MB.
        Assert.All(server.Received.Where(r => r.Body!.ToJsonString().Contains("red-teaming", StringComparison.Ordinal)),
            r => Assert.True(r.Body!.ToJsonString().Length < AnswerCap.StoredChars + 20_000));

        var report = await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("report.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        var html = File.ReadAllText(dir.Full("report.html"));
        Assert.True(new FileInfo(dir.Full("report.html")).Length < 200_000, $"report is {new FileInfo(dir.Full("report.html")).Length} bytes"); // was over 10 MB
        int received = $"Answer 0 ".Length + Huge;
        Assert.Contains($"[… cut by mmsafe: 16,384 of {received:N0} characters shown]", html);

        var jsonl = await Support.Cli.RunAsync("export", dir.Full("run"), "--format", "jsonl", "--to", dir.Full("jsonl"));
        var lines = File.ReadAllLines(jsonl.Output.Trim()).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(received, lines.Single(l => l.GetProperty("item_id").GetString() == "0").GetProperty("answers")[0].GetProperty("cut_from_chars").GetInt32());
        Assert.Equal(JsonValueKind.Null, lines.Single(l => l.GetProperty("item_id").GetString() == "2").GetProperty("answers")[0].GetProperty("cut_from_chars").ValueKind);

        var json = await Support.Cli.RunAsync("export", dir.Full("run"), "--format", "json", "--to", dir.Full("json"));
        Assert.True(json.ExitCode == 0, json.Error);
        var samples = JsonDocument.Parse(File.ReadAllText(json.Output.Trim())).RootElement.GetProperty("samples");
        Assert.Contains(samples.EnumerateArray(), s => s.GetProperty("ItemId").GetString() == "1" && s.GetProperty("FullLength").GetInt32() == received);
    }
}
