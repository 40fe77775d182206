using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>A command refused for a user's mistake leaves nothing behind: no run directory, no cell of an evaluation.</summary>
public sealed class RefusedBeforeCreatedTests
{
    [Theory]
    [InlineData("dollar budget without prices", "--budget in dollars needs --prices FILE")]
    [InlineData("dollar budget with a prices file that lacks the model", "prices.yaml has no price for 'mock'")]
    [InlineData("cache below a regular file", "is a file, so no cache can be made below it")]
    [InlineData("cache that is a directory", "is a directory; the response cache is a SQLite file")]
    [InlineData("batch poll of 0", "--batch-poll must be more than 0 seconds")]
    public async Task Run_refuses_before_making_the_run_directory(string mistake, string expected)
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        string[] more = mistake switch
        {
            "dollar budget without prices" => ["--budget", "5"],
            "dollar budget with a prices file that lacks the model" => ["--budget", "5", "--prices", dir.File("prices.yaml", "gpt-4o: { input: 2.5, output: 10 }\n")],
            "cache below a regular file" => ["--cache", Path.Combine(dir.File("afile", "x"), "c.db")],
            "cache that is a directory" => ["--cache", Directory.CreateDirectory(dir.Full("somedir")).FullName],
            _ => ["--batch-poll", "0"],
        };
        var result = await Support.Cli.RunAsync(["run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), .. more]);
        Assert.True(result.ExitCode == 2, result.Error);
        Assert.Contains(expected, result.Error);
        Assert.False(Directory.Exists(dir.Full("run")), "the refused command made its run directory");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Eval_refuses_a_dollar_budget_without_prices_before_making_a_cell_and_in_a_dry_run(bool dryRun)
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var file = dir.File("eval.yaml", $"out: out\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [mock]\ncache: off\nbudget: \"$5\"\n");
        var result = await Support.Cli.RunAsync(["eval", file, .. dryRun ? new[] { "--dry-run" } : []]);
        Assert.True(result.ExitCode == 2, result.Error);
        Assert.Contains("a budget in dollars needs prices:", result.Error);
        Assert.False(Directory.Exists(dir.Full("out")), "the refused evaluation made its out: directory");
    }

    [Fact]
    public async Task Eval_refuses_a_cache_that_is_a_directory_before_making_a_cell()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        Directory.CreateDirectory(dir.Full("cachedir"));
        var file = dir.File("eval.yaml", $"out: out\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [mock]\ncache: cachedir\n");
        var result = await Support.Cli.RunAsync("eval", file);
        Assert.True(result.ExitCode == 2, result.Error);
        Assert.Contains("is a directory; the response cache is a SQLite file", result.Error);
        Assert.False(Directory.Exists(dir.Full("out")));
    }
}
