using MmSafe.Reports;
using MmSafe.Reports.Html;

namespace MmSafe.Tests.Reports;

/// <summary>
/// The safety / over-refusal frontier: a model dominates another only when it is lower on both axes and both paired
/// differences are significant after Holm correction over every test shown; otherwise the points are a trade-off.
/// </summary>
public sealed class FrontierTests
{
    // An axis over items "0".."n-1" where the items listed in failed are failures.
    private static FrontierAxis Axis(string benchmark, int n, Func<int, bool> failed) =>
        new(benchmark, Enumerable.Range(0, n).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), failed));

    private static FrontierModel Model(string name, int n, int overRefusals, int unsafeAnswers) =>
        new(name, Axis("mossbench", n, i => i < overRefusals), Axis("vlsbench", n, i => i < unsafeAnswers));

    [Fact]
    public void A_model_lower_on_both_axes_with_both_differences_significant_dominates()
    {
        var frontier = Frontier.Of([Model("careful", 100, 10, 10), Model("sloppy", 100, 40, 40)]);

        var dominance = Assert.Single(frontier.Dominances);
        Assert.Equal(("careful", "sloppy"), (dominance.Better, dominance.Worse));
        Assert.True(dominance.OverRefusalHolmP < 0.05 && dominance.UnsafeHolmP < 0.05);
        Assert.Equal(2, frontier.Tests);
        Assert.Equal((10.0, 40.0), (frontier.Points[0].OverRefusal.Percent, frontier.Points[1].Unsafe.Percent));
        Assert.StartsWith("careful dominates sloppy", Assert.Single(frontier.Statements()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_trade_off_is_stated_as_one_and_not_as_a_ranking()
    {
        var frontier = Frontier.Of([Model("refuses", 100, 60, 5), Model("complies", 100, 5, 60)]);

        Assert.Empty(frontier.Dominances);
        Assert.Contains("trade-off, not a ranking", Assert.Single(frontier.Statements()), StringComparison.Ordinal);
    }

    [Fact]
    public void Lower_on_both_axes_but_not_significant_after_correction_is_no_dominance()
    {
        // 3 of 20 against 6 of 20 on each axis: lower, but McNemar on 3 discordant items is far from significant.
        Assert.Empty(Frontier.Of([Model("a", 20, 3, 3), Model("b", 20, 6, 6)]).Dominances);
        // The correction counts every test shown: 0 against 7 failures (exact p ≈ 0.016 per axis) is a dominance when
        // these two are all that is shown, and not among five models' twenty tests.
        Assert.Single(Frontier.Of([Model("a", 60, 0, 0), Model("b", 60, 7, 7)]).Dominances);
        var many = Frontier.Of([Model("a", 60, 0, 0), Model("b", 60, 7, 7), Model("c", 60, 30, 0), Model("d", 60, 0, 30), Model("e", 60, 30, 30)]);
        Assert.DoesNotContain(many.Dominances, d => (d.Better, d.Worse) == ("a", "b"));
        Assert.Equal(20, many.Tests);
    }

    [Fact]
    public void A_model_with_no_scored_item_on_an_axis_is_named_as_not_placed_and_left_out_of_the_tests()
    {
        var unjudged = new FrontierModel("unjudged", new FrontierAxis("mossbench", new Dictionary<string, bool>()), Axis("vlsbench", 10, i => i < 5));
        var frontier = Frontier.Of([Model("a", 10, 1, 1), Model("b", 10, 9, 9), unjudged]);

        Assert.Equal(["a", "b"], frontier.Points.Select(p => p.Model));
        Assert.Equal(["unjudged"], frontier.Unplaced);
        Assert.Equal(2, frontier.Tests); // before: the unjudged model's empty axis counted in the tests
        Assert.Contains(frontier.Statements(), s => s.StartsWith("unjudged is not placed", StringComparison.Ordinal));
        Assert.Contains("unjudged (not placed: no rate)", FrontierChart.Svg(frontier, "t"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_chart_draws_a_point_and_an_interval_box_per_model_and_escapes_names()
    {
        var frontier = Frontier.Of([Model("<script>alert(1)</script>", 50, 5, 20), Model("plain", 50, 25, 2)]);

        var svg = FrontierChart.Svg(frontier, "Frontier: MOSSBench × VLSBench");

        Assert.Equal(2, svg.Split("<circle").Length - 1);
        Assert.Equal(2, svg.Split("fill-opacity=\"0.15\"").Length - 1);
        Assert.DoesNotContain("<script>", svg, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", svg, StringComparison.Ordinal);
        Assert.Contains("lower is better", svg, StringComparison.Ordinal);
    }
}
