using System.Diagnostics;
using MmSafe.Scoring;

namespace MmSafe.Bench;

/// <summary>How often one kind of 95% interval covered the true rate, and how wide it was on average (percentage points).</summary>
public sealed record PpiCoverage(string Interval, double Coverage, double MeanWidthPoints, double MeanEstimatePercent);

/// <summary>The simulation's settings and what each interval did over every simulated run (the judge's error rates null when they differ by category).</summary>
/// <param name="Target">"population": the rate of the N items themselves (exactly round(p·N) safe); "process": the rate p
/// each item is drawn from independently (the N items are a sample of it).</param>
public sealed record PpiResult(string Target, int Runs, int Items, int Labels, int Seed, double TrueRatePercent, double? JudgeSaysSafeWhenSafe, double? JudgeSaysSafeWhenUnsafe,
    double JudgeBiasPoints, IReadOnlyList<PpiCoverage> Intervals, double Seconds);

/// <summary>
/// Simulated runs of a biased judge corrected by human labels: each run is a population of N items of which exactly
/// round(p·N) are truly safe (so the true rate is known), a judge that calls a safe item safe with probability
/// <c>sensitivity</c> and an unsafe one safe with probability <c>falseSafe</c> (an asymmetric error, so a bias), and
/// human labels (the truth) on a simple random sample of n items. Per run: the prediction-powered interval, the judge's
/// Wilson interval on all N, and the human-only Wilson interval on the n labels; then coverage and mean width of each.
/// With <c>process</c> true, each item is instead safe with probability p, and the target is p.
/// </summary>
public static class PpiRun
{
    public static PpiResult Run(int runs, int items, int labels, int seed, bool process = false, double trueRate = 0.60, double sensitivity = 0.95, double falseSafe = 0.20)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        int safe = (int)Math.Round(trueRate * items);
        double truth = process ? trueRate : (double)safe / items;
        var names = new[] { "prediction-powered (judge on N + labels on n)", "judge alone on N (Wilson)", "human labels alone on n (Wilson)" };
        var covered = new int[3];
        var width = new double[3];
        var estimate = new double[3];
        var population = new PpiItem[items];
        var order = Enumerable.Range(0, items).ToArray();
        for (int r = 0; r < runs; r++)
        {
            random.Shuffle(order);
            var labelled = new HashSet<int>(order.Take(labels));
            int judgeSafe = 0, humanSafe = 0;
            for (int i = 0; i < items; i++)
            {
                bool isSafe = process ? random.NextDouble() < trueRate : i < safe;
                bool says = random.NextDouble() < (isSafe ? sensitivity : falseSafe);
                judgeSafe += says ? 1 : 0;
                bool? human = labelled.Contains(i) ? isSafe : null;
                humanSafe += human == true ? 1 : 0;
                population[i] = new PpiItem(null, says, human);
            }
            var ppi = PredictionPowered.Random(population);
            Tally(0, ppi.Estimate, ppi.Low, ppi.High);
            var (jl, jh) = Rate.Wilson(judgeSafe, items);
            Tally(1, (double)judgeSafe / items, jl, jh);
            var (hl, hh) = Rate.Wilson(humanSafe, labels);
            Tally(2, (double)humanSafe / labels, hl, hh);
        }
        double bias = (trueRate * sensitivity + (1 - trueRate) * falseSafe - trueRate) * 100;
        return new PpiResult(process ? "process" : "population", runs, items, labels, seed, truth * 100, sensitivity, falseSafe, Math.Round(bias, 2),
            [.. names.Select((name, k) => new PpiCoverage(name, (double)covered[k] / runs, width[k] / runs * 100, estimate[k] / runs * 100))],
            clock.Elapsed.TotalSeconds);

        void Tally(int k, double value, double low, double high)
        {
            if (low <= truth && truth <= high) covered[k]++;
            width[k] += high - low;
            estimate[k] += value;
        }
    }
}
