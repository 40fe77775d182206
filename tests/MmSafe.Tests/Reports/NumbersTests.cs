using MmSafe.Reports;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

/// <summary>No output shows a negative zero: a drift of nothing is "0.00", not "-0.00".</summary>
public sealed class NumbersTests
{
    [Theory]
    [InlineData(-0.0, "0.00")]
    [InlineData(-0.004, "0.00")]
    [InlineData(-0.005001, "-0.01")]
    [InlineData(-12.5, "-12.50")]
    [InlineData(3.14159, "3.14")]
    public void Points_never_shows_a_negative_zero(double value, string expected) => Assert.Equal(expected, Numbers.Points(value));

    [Fact]
    public void Json_values_are_never_negative_zero_and_nan_is_null()
    {
        Assert.False(double.IsNegative(Numbers.Value(-0.0)!.Value));
        Assert.Null(Numbers.Value(double.NaN));
        Assert.Equal(-1.5, Numbers.Value(-1.5));
    }

    [Fact]
    public async Task A_judge_that_agrees_everywhere_prints_a_drift_of_zero_without_a_minus_sign()
    {
        using var dir = new TempDir();
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        // mock/cautious gives the same verdicts as mock on this sample: a drift of exactly zero.
        var judge = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "mock/cautious", "--cache", "off", "--json");
        Assert.True(judge.ExitCode == 0, judge.Error);
        Assert.Contains("drift: mock/cautious minus mock on the same 6 items: 0.00 points [-36.44, 36.44]", judge.Error); // Newcombe: no item differs, yet the interval is not a point
        Assert.DoesNotContain("-0.00 points", judge.Error);
    }
}
