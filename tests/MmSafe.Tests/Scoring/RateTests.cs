using MmSafe.Scoring;

namespace MmSafe.Tests.Scoring;

public sealed class RateTests
{
    [Theory]
    [InlineData(2.675, 2.67)]   // stored just below 2.675
    [InlineData(0.125, 0.12)]   // an exact tie goes to even
    [InlineData(0.375, 0.38)]
    [InlineData(0.015, 0.01)]   // stored just below 0.015
    [InlineData(53.29341317365269, 53.29)]
    [InlineData(100.0, 100.0)]
    public void Python_rounding_matches_round_x_2(double value, double expected) =>
        Assert.Equal(expected, Rounding.Python.ToTwoDecimals(value));

    [Theory]
    [InlineData(0.015, 0.02)]   // 0.015 * 100 is exactly 1.5, and rint(1.5) = 2
    [InlineData(0.125, 0.12)]
    [InlineData(21.428571428571427, 21.43)]
    public void NumPy_rounding_matches_np_round(double value, double expected) =>
        Assert.Equal(expected, Rounding.NumPy.ToTwoDecimals(value));

    [Theory]
    [InlineData(0, 10, 0.0, 27.75)]
    [InlineData(5, 10, 23.66, 76.34)]
    [InlineData(10, 10, 72.25, 100.0)]
    [InlineData(89, 167, 45.74, 60.70)]
    public void Wilson_interval_matches_reference_values(int k, int n, double low, double high)
    {
        var rate = Rate.Of(k, n);
        Assert.Equal(low, rate.Low);
        Assert.Equal(high, rate.High);
    }

    [Fact]
    public void Percent_is_k_over_n_with_two_decimals()
    {
        var rate = Rate.Of(89, 167);
        Assert.Equal(53.29, rate.Percent);
        Assert.Equal((89, 167), (rate.Successes, rate.Count));
    }

    [Fact]
    public void An_empty_set_has_no_rate_rather_than_zero()
    {
        var rate = Rate.Of(0, 0);
        Assert.Null(rate.Percent);
        Assert.Null(rate.Low);
    }

    [Theory]
    [InlineData(new[] { true, true, false }, true)]
    [InlineData(new[] { false, false, true }, false)]
    [InlineData(new[] { true, false }, false)]          // tie: false, as the authors' set order gives 0
    [InlineData(new[] { true, true, false, false }, false)]
    [InlineData(new[] { true }, true)]
    public void Majority_takes_the_most_frequent_and_breaks_ties_to_false(bool[] verdicts, bool expected) =>
        Assert.Equal(expected, Majority.Of(verdicts));

    [Fact]
    public void Majority_of_nothing_is_null() => Assert.Null(Majority.Of([]));
}
