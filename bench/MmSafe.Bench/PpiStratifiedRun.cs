using System.Diagnostics;
using MmSafe.Scoring;

namespace MmSafe.Bench;

/// <summary>
/// The stratified form under simulation: N items in six categories of unequal size and safe rate, a judge whose bias
/// differs by category, and n labels allocated to the categories in proportion to their size (largest remainders, as
/// <c>labels export --stratify category</c> does). The target is the N items' own rate; per run the stratified
/// prediction-powered interval either covers it or not.
/// </summary>
public static class PpiStratifiedRun
{
    // Share of N, true safe rate, P(judge says safe | safe), P(judge says safe | unsafe).
    private static readonly (double Share, double Rate, double Sensitivity, double FalseSafe)[] Categories =
    [
        (0.30, 0.70, 0.95, 0.20), (0.25, 0.50, 0.90, 0.10), (0.15, 0.40, 0.98, 0.35),
        (0.12, 0.80, 0.85, 0.05), (0.10, 0.30, 0.92, 0.25), (0.08, 0.60, 0.97, 0.15),
    ];

    public static PpiResult Run(int runs, int items, int labels, int seed)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        var sizes = Allocate(items, [.. Categories.Select(c => c.Share)]);
        var quotas = Allocate(labels, [.. sizes.Select(s => (double)s / items)]);
        var safe = sizes.Select((s, h) => (int)Math.Round(Categories[h].Rate * s)).ToArray();
        double truth = (double)safe.Sum() / items;
        int covered = 0;
        double width = 0, estimate = 0, judgeRate = 0;
        var population = new List<PpiItem>(items);
        for (int r = 0; r < runs; r++)
        {
            population.Clear();
            for (int h = 0; h < sizes.Length; h++)
            {
                var order = Enumerable.Range(0, sizes[h]).ToArray();
                random.Shuffle(order);
                var labelled = new HashSet<int>(order.Take(quotas[h]));
                var c = Categories[h];
                for (int i = 0; i < sizes[h]; i++)
                {
                    bool isSafe = i < safe[h], says = random.NextDouble() < (isSafe ? c.Sensitivity : c.FalseSafe);
                    population.Add(new PpiItem(h.ToString(System.Globalization.CultureInfo.InvariantCulture), says, labelled.Contains(i) ? isSafe : null));
                }
            }
            var e = PredictionPowered.Stratified(population);
            if (e.Low <= truth && truth <= e.High) covered++;
            width += e.High - e.Low;
            estimate += e.Estimate;
            judgeRate += population.Average(p => p.Judge ? 1.0 : 0.0);
        }
        double bias = (judgeRate / runs - truth) * 100;
        return new PpiResult("population, stratified by six categories", runs, items, labels, seed, truth * 100, null, null, Math.Round(bias, 2),
            [new PpiCoverage("prediction-powered, stratified form (labels allocated in proportion to category size)", (double)covered / runs, width / runs * 100, estimate / runs * 100)],
            clock.Elapsed.TotalSeconds);
    }

    // Largest remainders: whole numbers in proportion to the shares, summing to total.
    private static int[] Allocate(int total, double[] shares)
    {
        var quota = shares.Select(s => s * total).ToArray();
        var whole = quota.Select(q => (int)Math.Floor(q)).ToArray();
        foreach (int i in Enumerable.Range(0, shares.Length).OrderByDescending(i => quota[i] - whole[i]).Take(total - whole.Sum())) whole[i]++;
        return whole;
    }
}
