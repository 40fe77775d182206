using System.Diagnostics;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>
/// Kills the real <c>mmsafe</c> process with SIGKILL three times at different points of a run,
/// then lets it finish. The scores must equal an uninterrupted run's, and the server must never
/// have completed the same request twice unless the first was in flight when a kill came.
/// </summary>
public sealed class KillAndResumeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string[] Args(string data, Uri server, string outDir) =>
        ["run", "vlsbench", "--data", data, "--model", "target-model", "--base-url", server.ToString(), "--concurrency", "2",
         "--judge", "judge-model", "--judge-base-url", server.ToString(), "--judge-concurrency", "2", "--out", outDir, "--json"];

    [Fact]
    public async Task A_run_killed_three_times_ends_with_the_scores_of_an_uninterrupted_run_and_no_repeats()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 30);
        var delay = TimeSpan.FromMilliseconds(60);

        await using var reference = await FakeModelServer.StartAsync();
        reference.Responder = body => RunFixture.Answer(body, delay);
        var uninterrupted = await Support.Cli.RunAsync(Args(data, reference.BaseUrl, dir.Full("reference")));
        Assert.Equal(0, uninterrupted.ExitCode);

        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body, delay);
        var kills = new List<DateTime>();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        foreach (int progress in new[] { 5, 15, 20 }) // cumulative 5, 20, 40 of 60 requests: generation, generation, judging
        {
            int target = server.Completed.Count + progress;
            using var process = Start(Args(data, server.BaseUrl, dir.Full("killed")), errors);
            while (server.Completed.Count < target && !process.HasExited) await Task.Delay(5, Token);
            Assert.False(process.HasExited, $"the run ended (exit {(process.HasExited ? process.ExitCode : 0)}) before it could be killed: {string.Join(" | ", errors)}");
            process.Kill(entireProcessTree: true); // SIGKILL
            await process.WaitForExitAsync(Token);
            // The kill's mark lies after the process is gone and the server has read what it wrote before dying (a request
            // sent a moment before SIGKILL arrives after Kill() returns), and before the next process starts.
            await Task.Delay(200, Token);
            kills.Add(DateTime.UtcNow);
        }
        using (var last = Start(Args(data, server.BaseUrl, dir.Full("killed")), errors))
        {
            await last.WaitForExitAsync(Token);
            Assert.Equal(0, last.ExitCode);
        }

        var resumed = await Support.Cli.RunAsync("score", dir.Full("killed"), "--json");
        var expected = await Support.Cli.RunAsync("score", dir.Full("reference"), "--json");
        Assert.Equal(expected.Scores(), resumed.Scores());

        var completions = server.Completed.ToList();
        Assert.Equal(60, completions.Select(c => c.Fingerprint).Distinct().Count());
        var repeats = completions.GroupBy(c => c.Fingerprint).Where(g => g.Count() > 1).ToList();
        // Asked again only by a process started after the one that asked it first was killed, and no more than a killed
        // process had in flight (2 target and 2 judge slots).
        FakeModelServer.AssertRepeatsStraddleKills([server], kills);
        Assert.True(repeats.Count <= kills.Count * 4, $"{repeats.Count} repeated requests");
    }

    private static Process Start(string[] args, System.Collections.Concurrent.ConcurrentQueue<string> errors) => CliProcess.Start(args, errors);
}
