using MmSafe.Scoring;

namespace MmSafe.Tests.Scoring;

/// <summary>
/// The prediction-powered estimate on populations whose figures are worked out by hand (the literals below were computed
/// from the formula in the paper, not by this code): θ = mean_N(f) + mean_n(y − f), θ ± z·√(var_N(f)/N + var_n(y − f)/n).
/// </summary>
public sealed class PredictionPoweredTests
{
    private static PpiItem Item(string? stratum, bool judge, bool? human = null) => new(stratum, judge, human);

    /// <summary>N = 100, the judge says 1 on 60 items; 20 labels: 10 on judge-1 items (2 of them 0), 10 on judge-0 items (1 of them 1).</summary>
    private static List<PpiItem> Population()
    {
        var items = new List<PpiItem>();
        for (int i = 0; i < 100; i++)
        {
            bool judge = i < 60;
            bool? human = i < 10 ? i >= 2 : i is >= 60 and < 70 ? i == 60 : null;
            items.Add(Item(null, judge, human));
        }
        return items;
    }

    [Fact]
    public void The_estimate_corrects_the_judge_by_the_mean_rectifier_and_its_interval_adds_both_variances()
    {
        var e = PredictionPowered.Random(Population());
        // mean f = 0.6, mean (y − f) = −1/20; var_N(f) = 100·0.24/99, var_n(y − f) = (3 − 20·0.05²)/19.
        Assert.Equal(0.55, e.Estimate, 10);
        Assert.Equal(0.100932652392, e.StandardError, 9);
        Assert.Equal(0.352175636447, e.Low, 9);
        Assert.Equal(0.747824363553, e.High, 9);
        Assert.Equal((100, 20, false), (e.Population, e.Labelled, e.Stratified));
        Assert.Equal(0.0024242424242, e.JudgeVariance, 12);
        Assert.Equal(0.1552631578947, e.RectifierVariance, 12);
    }

    [Fact]
    public void The_labels_a_width_needs_solve_the_variance_for_n_or_say_the_judge_alone_is_wider()
    {
        var e = PredictionPowered.Random(Population());
        // (0.2 / 2z)² − 0.0024242 = 0.00017894, and 0.155263 / that = 867.7 → 868.
        Assert.Equal(868, e.LabelsFor(0.20));
        Assert.Null(e.LabelsFor(0.10)); // (0.1 / 2z)² = 0.00065 < var_N(f)/N: no number of labels reaches it
        Assert.True(e.LabelsFor(0.9) <= e.Labelled);
    }

    [Fact]
    public void The_stratified_form_weights_each_category_by_its_share_of_the_population()
    {
        var items = new List<PpiItem>();
        // A: 50 items, judge 1 on 40; labels on 10, one of them a judge-1 item the human calls 0.
        for (int i = 0; i < 50; i++) items.Add(Item("A", i < 40, i < 10 ? i != 0 : null));
        // B: 50 items, judge 1 on 20; labels on 10 judge-0 items, two of them 1.
        for (int i = 0; i < 50; i++) items.Add(Item("B", i < 20, i is >= 20 and < 30 ? i < 22 : null));
        Assert.True(PredictionPowered.CanStratify(items));
        var e = PredictionPowered.Stratified(items);
        Assert.True(e.Stratified);
        Assert.Equal(0.65, e.Estimate, 10);
        Assert.Equal(0.094790615416, e.StandardError, 9);
        Assert.Equal(0.464213807712, e.Low, 9);
        Assert.Equal(0.835786192288, e.High, 9);
        Assert.Equal(247, e.LabelsFor(0.20));
    }

    [Fact]
    public void Too_few_labels_are_refused_and_a_stratum_with_fewer_than_two_cannot_be_stratified()
    {
        var items = new List<PpiItem> { Item("A", true, true), Item("A", false), Item("B", true, false), Item("B", false, false) };
        Assert.False(PredictionPowered.CanStratify(items));
        Assert.Throws<ArgumentException>(() => PredictionPowered.Stratified(items));
        Assert.Throws<ArgumentException>(() => PredictionPowered.Random([Item(null, true, true), Item(null, true)]));
        Assert.Equal(3, PredictionPowered.Random(items).Labelled);
    }
}
