using MmSafe.Runs;
using MmSafe.Scoring;

namespace MmSafe.Reports.Certification;

/// <summary>
/// Certifies a candidate judge against a reference on the same stored answers: agreement and κ, the paired shift of
/// the headline rate with McNemar's exact p and the minimum detectable difference, the same per category with Holm's
/// adjustment, the items that flip, and the declared rule's PASS or FAIL. Reads the run only; calls no model.
/// </summary>
public static class Certification
{
    /// <summary>The reference that stands for the majority of the run's other judges (the candidate left out).</summary>
    public const string Majority = "majority";

    public static Certificate Of(RunContents run, string candidate, string reference, CertificationRule rule, DateTimeOffset? at = null)
    {
        var where = run.Directory;
        if (run.Benchmark.Protocol.Aspects.Count == 0)
            throw new InputException($"{where}: {run.Benchmark.Name} has no judge (each answer letter is checked against the correct option), so there is no judge to certify.");
        var judges = run.Spec.Judges.Select(j => j.Name).Where(run.Scores.ContainsKey).ToList();
        string Known() => judges.Count == 0 ? "it has none" : $"its judges are {string.Join(", ", judges)}";
        if (!judges.Contains(candidate))
            throw new InputException($"{where}: --candidate '{candidate}' is not a judge of this run; {Known()}.");
        if (candidate == reference)
            throw new InputException($"{where}: --candidate and --reference are both '{candidate}'; certify a judge against another judge, {Majority} or {JudgePanel.Human}.");
        var layout = run.Benchmark.Layout;
        var key = layout.Headline.Key;
        IReadOnlyList<ItemScore> referenceScores = reference switch
        {
            Majority when judges.Count < 2 => throw new InputException($"{where}: --reference {Majority} needs another judge besides '{candidate}'; {Known()}."),
            Majority => JudgePanel.Majority(run with { Scores = run.Scores.Where(p => p.Key != candidate).ToDictionary(p => p.Key, p => p.Value) }),
            JudgePanel.Human => run.Scores.GetValueOrDefault(JudgePanel.Human)
                ?? throw new InputException($"{where}: --reference {JudgePanel.Human}: no human labels are imported; export a sheet with 'mmsafe labels export {where} --out sheet.csv', fill it in, then 'mmsafe labels import {where} sheet.csv'."),
            _ when judges.Contains(reference) => run.Scores[reference],
            _ => throw new InputException($"{where}: --reference '{reference}' is not a judge of this run; {Known()}, or use {Majority} or {JudgePanel.Human}."),
        };
        var x = Verdicts(run.Scores[candidate], key);
        var y = Verdicts(referenceScores, key);
        var shared = x.Keys.Where(y.ContainsKey).ToHashSet();
        if (shared.Count == 0)
            throw new InputException($"{where}: no item has a {key} verdict from both '{candidate}' and '{reference}'; judge the same answers with both first.");

        var categoryOf = run.Samples.ToDictionary(s => s.Id, s => s.Category);
        var overall = Figures(x, y, shared, layout.Rounding);
        var groups = shared.GroupBy(id => categoryOf.GetValueOrDefault(id) ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var perCategory = groups.Select(g => (g.Key, Figures: Figures(x, y, g.ToHashSet(), layout.Rounding))).ToList();
        var holm = PairedDifference.Holm([.. perCategory.Select(c => c.Figures.McNemarP)]);
        var categories = perCategory.Select((c, i) => new CategoryCertificate(c.Key, c.Figures, holm[i])).ToList();
        var flips = shared.Where(id => x[id] != y[id]).OrderBy(id => id, ItemOrder.Instance)
            .Select(id => new CertificateFlip(id, categoryOf.GetValueOrDefault(id), y[id], x[id])).ToList();

        var failures = new List<string>();
        if (rule.KappaLow is { } kappaLow && !(overall.KappaLow >= kappaLow))
            failures.Add(overall.KappaLow is null ? $"kappa_low>={Numbers.Points(kappaLow)}: κ is not defined (every verdict the same)"
                : $"kappa_low>={Numbers.Points(kappaLow)}: κ's lower bound is {Numbers.Points(overall.KappaLow)}");
        if (rule.ShiftWithinMdd && !(overall.ShiftLow >= -overall.MinimumDetectable && overall.ShiftHigh <= overall.MinimumDetectable))
            failures.Add($"shift_within_mdd: the shift's interval [{Numbers.Points(overall.ShiftLow)}, {Numbers.Points(overall.ShiftHigh)}] is not inside ± {Numbers.Points(overall.MinimumDetectable)}");
        var failing = rule.CategoryHolmP is { } alpha ? categories.Where(c => c.HolmP < alpha).Select(c => c.Category).ToList() : [];
        if (failing.Count > 0)
            failures.Add($"category_holm_p>={Numbers.Points(rule.CategoryHolmP!.Value)}: significant shift in {string.Join(", ", categories.Where(c => failing.Contains(c.Category)).Select(c => $"{c.Category} ({Numbers.Points(c.Figures.Shift)} points, Holm p {Numbers.PValue(c.HolmP)})"))}");
        return new Certificate(at ?? DateTimeOffset.UtcNow, where, run.Spec.Benchmark, key, candidate, reference, rule.Text, rule.Description, overall, categories, flips,
            failures.Count == 0, failures) { FailingCategories = failing };
    }

    private static Dictionary<string, bool> Verdicts(IEnumerable<ItemScore> scores, string key) =>
        scores.Where(s => s.Scored && s.Values.GetValueOrDefault(key) is not null).ToDictionary(s => s.Id, s => s.Values[key]!.Value);

    private static CertificateFigures Figures(Dictionary<string, bool> x, Dictionary<string, bool> y, HashSet<string> ids, Rounding rounding)
    {
        var cx = ids.ToDictionary(id => id, id => x[id]);
        var cy = ids.ToDictionary(id => id, id => y[id]);
        var p = JudgePanel.Pair("candidate", "reference", cx, cy, rounding);
        double? Nan(double v) => Numbers.Value(v);
        return new CertificateFigures(p.Items, p.Agreement.Percent, p.Agreement.Low, p.Agreement.High, Nan(p.Kappa.Value), Nan(p.Kappa.Low), Nan(p.Kappa.High),
            Math.Round(100.0 * cx.Values.Count(v => v) / ids.Count, 2), Math.Round(100.0 * cy.Values.Count(v => v) / ids.Count, 2),
            p.Drift, p.DriftLow, p.DriftHigh, p.PValue, p.MinimumDetectable, ids.Count(id => cx[id] && !cy[id]), ids.Count(id => !cx[id] && cy[id]));
    }

    /// <summary>Item ids in numeric order where they are numbers, so flips list 2 before 10.</summary>
    private sealed class ItemOrder : IComparer<string>
    {
        public static readonly ItemOrder Instance = new();

        public int Compare(string? a, string? b) =>
            long.TryParse(a, out var i) && long.TryParse(b, out var j) ? i.CompareTo(j) : string.CompareOrdinal(a, b);
    }
}
