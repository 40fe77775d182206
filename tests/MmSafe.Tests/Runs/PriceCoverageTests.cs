using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>Prices given for a run that lack one of its models say which model and which file, wherever a cost is shown or a budget counted.</summary>
public sealed class PriceCoverageTests
{
    private static string CostCell(string output) =>
        output.Split('\n').Single(l => l.Contains("Cost (USD)", StringComparison.Ordinal)).Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1];

    [Theory]
    [InlineData("gpt-4o: { input: 2.5, output: 10 }\n")]
    [InlineData("")]
    public async Task The_plan_names_the_models_the_prices_file_lacks(string prices)
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var file = dir.File("prices.yaml", prices);
        var plan = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock/judge", "--out", dir.Full("run"), "--dry-run", "--prices", file);
        Assert.True(plan.ExitCode == 0, plan.Error);
        Assert.Equal($"unknown: no price for 'mock', 'mock/judge' in {file}", CostCell(plan.Output));

        var none = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--dry-run");
        Assert.Equal("pass --prices FILE", CostCell(none.Output));
    }

    [Fact]
    public async Task A_dollar_budget_names_the_model_without_a_price()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var file = dir.File("prices.yaml", "mock: { input: 1, output: 1 }\n");
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock/judge", "--out", dir.Full("run"), "--budget", "$1", "--prices", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--budget in dollars needs a price for every model of the run: {file} has no price for 'mock/judge' (add 'mock/judge: {{ input: USD, output: USD }}'", result.Error);
    }

    [Fact]
    public async Task A_run_whose_prices_lack_a_model_says_so_and_its_report_names_it()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var file = dir.File("prices.yaml", "mock: { input: 1, output: 1 }\n");
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock/judge", "--out", dir.Full("run"), "--cache", "off", "--prices", file);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"note: {file} has no price for 'mock/judge'", run.Error);
        var report = await Support.Cli.RunAsync("report", dir.Full("run"), "--out", dir.Full("r.html"));
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Contains("the recorded prices have no price for &#39;mock/judge&#39;", File.ReadAllText(dir.Full("r.html")).Replace("'", "&#39;"));
    }

    [Fact]
    public async Task Resume_takes_the_prices_it_is_given_for_a_dollar_budget()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var first = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off");
        Assert.True(first.ExitCode == 0, first.Error);
        var file = dir.File("prices.yaml", "mock: { input: 1, output: 1 }\n");
        var resumed = await Support.Cli.RunAsync("run", "--resume", dir.Full("run"), "--budget", "$1", "--prices", file, "--cache", "off");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("of a budget of $1.00", resumed.Error);
    }

    [Fact]
    public async Task The_evaluation_plan_says_what_its_cost_needs()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var yaml = $"out: out\nmodels: [mock]\nbenchmarks: [vlsbench]\ndata: {{ vlsbench: {data} }}\njudges: [mock]\ncache: off\n";
        var plan = await Support.Cli.RunAsync("eval", dir.File("eval.yaml", yaml), "--dry-run");
        Assert.True(plan.ExitCode == 0, plan.Error);
        Assert.Contains("add 'prices: FILE' to the file", plan.Output);
        Assert.DoesNotContain("needs prices:", plan.Output);

        dir.File("prices.yaml", "gpt-4o: { input: 2.5, output: 10 }\n");
        var priced = await Support.Cli.RunAsync("eval", dir.File("eval.yaml", yaml + "prices: prices.yaml\n"), "--dry-run");
        Assert.True(priced.ExitCode == 0, priced.Error);
        Assert.Contains("unknown: no price for 'mock' in prices.yaml", priced.Output);
        Assert.Contains($"note: {dir.Full("prices.yaml")} has no price for 'mock'", priced.Error);
    }
}
