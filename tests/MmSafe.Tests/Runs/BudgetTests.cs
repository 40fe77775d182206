using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using MmSafe.Reports;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

public sealed class BudgetTests
{
    [Fact]
    public async Task A_token_budget_stops_new_requests_keeps_what_was_paid_and_resume_finishes_without_repeats()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 10);
        dir.File("prices.yaml", "t: { input: 2.5, output: 10 }\nj: { input: 5, output: 15 }\n");
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = body => RunFixture.Answer(body); // every reply reports 11 + 7 = 18 tokens
        string[] args = ["run", "vlsbench", "--data", data, "--model", "t", "--base-url", server.BaseUrl.ToString(), "--concurrency", "1",
            "--judge", "j", "--judge-base-url", server.BaseUrl.ToString(), "--judge-concurrency", "1", "--out", dir.Full("run"), "--json", "--cache", "off",
            "--prices", dir.Full("prices.yaml")];
        var stopped = await Support.Cli.RunAsync([.. args, "--budget", "100tokens"]);
        Assert.Equal(3, stopped.ExitCode);
        Assert.Contains("the budget is spent", stopped.Error);
        int paid = server.Count;
        Assert.InRange(paid, 6, 9); // 100 tokens is 6 requests, plus the few already in flight
        RunContents run;
        using (var store = SqliteRunStore.OpenReadOnly(dir.Full("run"))) run = store.Read();
        Assert.Contains(run.Events, e => e.Kind == RunEvents.BudgetReached);
        Assert.Equal(paid, run.Answers.Count + run.Verdicts.Count); // every request paid for is stored

        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--json", "--cache", "off");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(20, server.Count); // 10 answers + 10 verdicts, none asked twice
        using (var store = SqliteRunStore.OpenReadOnly(dir.Full("run"))) run = store.Read();
        var (tokens, usd) = RunScoring.Spend(run);
        Assert.Equal(20 * 18, tokens);
        Assert.Equal((10 * (11 * 2.5m + 7 * 10m) + 10 * (11 * 5m + 7 * 15m)) / 1_000_000m, usd);
        await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("r.html"));
        Assert.Contains("360 tokens paid for (cached answers excluded), $0.00 at the recorded prices", File.ReadAllText(dir.Full("r.html")));

        var noPrices = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("m"), "--budget", "$1");
        Assert.Equal(2, noPrices.ExitCode);
        Assert.Contains("--budget in dollars needs --prices", noPrices.Error);
        var bad = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("m2"), "--budget", "lots");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--budget 'lots': expected dollars", bad.Error);
    }

    [Fact]
    public async Task A_budget_below_a_cent_is_shown_with_its_digits_and_a_fraction_of_a_token_is_refused()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var prices = dir.File("prices.yaml", "mock: { input: 1, output: 1 }\n");
        var small = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("small"), "--cache", "off",
            "--prices", prices, "--budget", "$0.00001");
        Assert.Contains("of a budget of $0.00001", small.Error);
        Assert.DoesNotContain("$0.00)", small.Error);

        var half = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("half"), "--budget", "1.5tokens");
        Assert.Equal(2, half.ExitCode);
        Assert.Contains("--budget '1.5tokens': a token budget is a whole number of tokens", half.Error);
        Assert.Equal(new MmSafe.Runs.BudgetLimit(null, 1500), MmSafe.Runs.BudgetLimit.Parse("1.5k tokens"));
    }
}
