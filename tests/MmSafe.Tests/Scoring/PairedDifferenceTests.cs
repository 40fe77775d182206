using MmSafe.Scoring;

namespace MmSafe.Tests.Scoring;

/// <summary>
/// The paired interval (Newcombe 1998, method 10) and the paired minimum detectable difference (Connor 1987), checked
/// against published and hand-computed values. Tables are (a, b, c, d): both succeed, only the first, only the second,
/// neither.
/// </summary>
public sealed class PairedDifferenceTests
{
    [Fact]
    public void The_interval_is_Newcombes_method_10_on_his_worked_example()
    {
        // Newcombe, Stat Med 17:2635-2650 (1998), Table II, example (36, 12, 2, 0): θ = 0.2, method 10 gives
        // 0.0569 to 0.3404 (the Wald interval the code used before gives 0.0642 to 0.3358).
        Assert.Equal((20.0, 5.69, 34.04), PairedDifference.Of(36, 12, 2, 0));
    }

    [Fact]
    public void Positive_correlation_uses_Newcombes_corrected_phi()
    {
        // Altman, Machin, Bryant & Gardner, Statistics with Confidence (2000), chapter 6, Table 6.2 (14, 5, 0, 22):
        // 0.122, 95% CI 0.011 to 0.226. Here ad − bc = 308 > n/2, so φ uses 308 − 20.5; the uncorrected φ would give
        // 0.022 to 0.217.
        Assert.Equal((12.2, 1.15, 22.65), PairedDifference.Of(14, 5, 0, 22));
    }

    [Fact]
    public void No_discordant_pair_gives_an_interval_of_real_width_around_zero()
    {
        // Wald gave [0, 0]. Hand-computed from the Wilson intervals of 8/15 with φ = (56 − 7.5) / √(8·7·8·7).
        var (d, low, high) = PairedDifference.Of(8, 0, 0, 7);
        Assert.Equal((0.0, -11.74, 11.74), (d, low, high));
    }

    [Fact]
    public void Every_item_flipping_one_way_does_not_give_a_certain_hundred_points()
    {
        // Wald gave [100, 100] for 12 of 12 items flipping. Hand-computed: the Wilson lower bound of 12/12 is 0.7575,
        // and of 0/12 the upper 0.2425; φ = 0 (a margin is empty): 1 − √(0.2425² + 0.2425²) = 0.6571.
        Assert.Equal((100.0, 65.71, 100.0), PairedDifference.Of(0, 12, 0, 0));
        Assert.Equal((-100.0, -100.0, -65.71), PairedDifference.Of(0, 0, 12, 0));
    }

    [Fact]
    public void In_a_small_category_the_interval_agrees_with_McNemar()
    {
        // 12 items, 3 flip one way and none the other: exact McNemar p = 2 · (1/2)³ = 0.25, while Wald's interval was
        // [0.5, 49.5] and excluded 0. Newcombe's includes it.
        Assert.Equal(0.25, McNemar.ExactP(3, 0), 10);
        var (d, low, high) = PairedDifference.Of(5, 3, 0, 4);
        Assert.Equal((25.0, -4.13, 47.7), (d, low, high));
    }

    [Fact]
    public void The_minimum_detectable_difference_is_Connors_paired_formula_at_the_observed_discordance()
    {
        // Connor, Biometrics 43:207-211 (1987): n = (z_α √ψ + z_β √(ψ − δ²))² / δ². With ψ = 20/100 = 0.2, solving
        // 10 δ = 1.95996 · 0.44721 + 0.84162 · √(0.2 − δ²) by iteration: δ = 0.12382, so 12.38 points (the unpaired
        // formula at 50% gave 19.81).
        Assert.Equal(12.38, PairedDifference.MinimumDetectable(20, 100, 50));
        // The other way round: ψ = 0.2, δ = 0.1 needs n = (0.87652 + 0.36685)² / 0.01 = 154.6, so 155 items with 31
        // discordant detect just under 10 points.
        Assert.Equal(9.99, PairedDifference.MinimumDetectable(31, 155, 50));
    }

    [Fact]
    public void With_no_discordant_pair_the_minimum_detectable_difference_plans_with_independent_raters()
    {
        // ψ = 2 · 0.5 · 0.5 = 0.5 for a 50% rate: 167 items give 15.22 points (solved as above), close to the unpaired
        // (1.96 + 0.8416) · √(2 · 0.25 / 167) = 15.33. Never 0 just because the two runs agreed everywhere.
        Assert.Equal(15.22, PairedDifference.MinimumDetectable(0, 167, 50));
        Assert.Equal(100, PairedDifference.MinimumDetectable(0, 0, null));
    }
}
