using MmSafe.Runs;
using MmSafe.Scoring;

namespace MmSafe.Interchange;

/// <summary>
/// A judge's headline rate on all N scored items, corrected by human labels on a recorded random (or stratified)
/// subset with prediction-powered inference; the human-only Wilson estimate for contrast; and, for a requested
/// interval width, how many labels in all would reach it.
/// </summary>
/// <param name="Width">The requested full width of the interval, in percentage points, or null.</param>
/// <param name="LabelsNeeded">Labels in all for <paramref name="Width"/>: null when no number reaches it with this judge.</param>
public sealed record LabelEstimate(string Judge, string Metric, Rate JudgeRate, PpiEstimate Corrected, Rate HumanOnly, LabelSample Sample,
    double? Width, int? LabelsNeeded, IReadOnlyList<string> Notes)
{
    /// <summary>What a width needs, in words: "already reached", "cannot be reached with this judge", or the count.</summary>
    public string? WidthVerdict => Width is null ? null
        : LabelsNeeded is not { } n ? "cannot be reached with this judge (its own variance on N items is wider)"
        : n <= Corrected.Labelled ? "already reached"
        : n > Sample.Population ? $"cannot be reached by labelling this run: it would take {n} labels, more than its {Sample.Population} items"
        : $"{n} labels in all ({n - Corrected.Labelled} more)";

    /// <summary>Fewer labels than this get a note: the interval's normal approximation is rough.</summary>
    public const int SmallSample = 30;

    public static LabelEstimate Of(RunContents run, string? judge = null, double? widthPoints = null)
    {
        if (run.Benchmark.Protocol.Aspects.Count == 0) throw new InputException($"{run.Directory}: {run.Benchmark.Name} has no judge, so there is no judge rate to correct.");
        var judges = run.Spec.Judges.Select(j => j.Name).Where(run.Scores.ContainsKey).ToList();
        string name = judge ?? judges.FirstOrDefault() ?? throw new InputException($"{run.Directory}: no judge has scored this run yet.");
        if (!judges.Contains(name))
            throw new InputException($"--judge {name}: not a judge of {run.Directory}; expected one of: {string.Join(", ", judges)}.");
        if (!run.Scores.TryGetValue(HumanLabels.Rater, out var human) || human.Count == 0)
            throw new InputException($"{run.Directory}: no human labels; export a sheet ('mmsafe labels export {run.Directory} --count 200 --out sheet.csv'), fill in {HumanLabels.LabelColumn}, then 'mmsafe labels import {run.Directory} sheet.csv'.");
        var key = run.Benchmark.Layout.Headline.Key;
        var labels = human.Where(s => s.Values.GetValueOrDefault(key) is not null).ToDictionary(s => s.Id, s => s.Values[key]!.Value);
        var recorded = LabelSample.Recorded(run);
        if (recorded.Count == 0)
            throw new InputException($"{run.Directory}: the human labels were imported without a recorded subset, so nothing says they are a random sample; export a sheet first ('mmsafe labels export {run.Directory} --count 200 --out sheet.csv' records the sample), label its items and import it.");
        var sample = recorded.LastOrDefault(r => labels.Keys.All(new HashSet<string>(r.Ids, StringComparer.Ordinal).Contains));
        if (sample is null)
        {
            var last = new HashSet<string>(recorded[^1].Ids, StringComparer.Ordinal);
            var outside = labels.Keys.Where(id => !last.Contains(id)).OrderBy(id => id, StringComparer.Ordinal).ToList();
            throw new InputException($"{run.Directory}: {outside.Count} labelled item{(outside.Count == 1 ? " is" : "s are")} outside the recorded subset " +
                $"(seed {recorded[^1].Seed}, {recorded[^1].Strategy}): {string.Join(", ", outside.Take(10))}{(outside.Count > 10 ? ", …" : "")}; labels chosen outside the sample break the " +
                "random-sample assumption the corrected rate rests on. Label only the items of the exported sheet (or export a new sheet for these).");
        }

        var notes = new List<string>();
        var verdicts = run.Scores[name].Where(s => s.Scored && s.Values.GetValueOrDefault(key) is not null).ToList();
        var items = verdicts.Select(s => new PpiItem(s.Category, s.Values[key]!.Value, labels.TryGetValue(s.Id, out var y) ? y : null)).ToList();
        int unscored = labels.Keys.Count(id => !verdicts.Any(v => v.Id == id));
        if (unscored > 0) notes.Add($"{unscored} labelled item{(unscored == 1 ? "" : "s")} that {name} did not score {(unscored == 1 ? "is" : "are")} left out.");
        int n = items.Count(i => i.Human is not null);
        if (n < 2) throw new InputException($"{run.Directory}: {n} labelled item{(n == 1 ? "" : "s")} scored by {name}; the corrected rate needs at least two.");
        if (sample.Population != items.Count)
            notes.Add($"The sample was drawn from {sample.Population} items with an answer; {name} scores {items.Count} now, so the labels are a random sample of the items answered when the sheet was exported, not of all {items.Count}.");
        if (sample.Ids.Count > n) notes.Add($"{n} of the {sample.Ids.Count} sampled items are labelled: the estimate assumes the unlabelled ones were skipped at random.");
        bool stratified = sample.Strategy == LabelSample.ByCategory && PredictionPowered.CanStratify(items);
        if (sample.Strategy == LabelSample.ByCategory && !stratified)
            notes.Add("A category has fewer than two labelled items: the stratified form cannot be used, so the labels are treated as one random sample.");
        var corrected = stratified ? PredictionPowered.Stratified(items) : PredictionPowered.Random(items);
        if (n < SmallSample)
            notes.Add($"Only {n} labels: the interval uses a normal approximation that wants a few dozen at least (BENCHMARKS.md checks 200); read it as rough.");
        var rounding = run.Benchmark.Layout.Rounding;
        var judgeRate = Rate.Of(items.Count(i => i.Judge), items.Count, rounding);
        var humanRate = Rate.Of(items.Count(i => i.Human == true), n, rounding);
        int? needed = widthPoints is { } w ? corrected.LabelsFor(w / 100) : null;
        return new LabelEstimate(name, key, judgeRate, corrected, humanRate, sample, widthPoints, needed, notes);
    }
}
