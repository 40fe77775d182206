using MmSafe.Scoring;

namespace MmSafe.Reports.View;

/// <summary>A run's list row and run page, from its read and scored data.</summary>
public static class ViewProjection
{
    public static ViewRunSummary Summary(ViewRun run, RunReportData? data, string? error)
    {
        if (data is null)
            return new ViewRunSummary(run.Id, run.Shown, null, null, null, [], null, null, null, null, false, 0, 0, 0, 0, null, null, false, error ?? "not readable yet");
        var spec = data.Spec;
        var score = data.Score;
        var headline = score.Sheet.Layout.Headline;
        var contents = score.Run;
        int total = contents.Samples.Count * spec.Samples;
        DateTimeOffset? updated = contents.Answers.Select(a => a.At).Concat(contents.Verdicts.Select(v => v.At)).Concat(contents.Events.Select(e => e.At))
            .DefaultIfEmpty(spec.CreatedAt).Max();
        var completeness = score.Completeness;
        return new ViewRunSummary(run.Id, run.Shown, spec.Benchmark, spec.Target.Name, spec.Condition, [.. spec.Judges.Select(j => j.Name)], data.Judge,
            headline.Key, headline.Label, ViewRate.Of(score.Sheet.HeadlineRate), !headline.HigherIsBetter, total - completeness.Missing, total,
            completeness.ScoredItems, contents.Samples.Count, spec.CreatedAt, updated, completeness.Resumable, null);
    }

    public static ViewRunPage Page(ViewRun run, RunReportData data)
    {
        var spec = data.Spec;
        var score = data.Score;
        var sheet = score.Sheet;
        var c = score.Completeness;
        var overall = sheet.Overall.Counts;
        var diagnostics = new ViewDiagnostics(c.Missing, c.FailedAnswers, c.FailedVerdicts, c.Unscored, sheet.Headline.Undecided,
            score.Outcomes.GetValueOrDefault("empty"), overall.Where(p => p.Key.Contains("unreadable", StringComparison.OrdinalIgnoreCase) || p.Key == "invalid").Sum(p => p.Value),
            [.. score.UnscoredAnswers.Take(200)]);
        return new ViewRunPage(Summary(run, data, null), spec.ProtocolVersion, spec.ToolVersion, spec.DatasetSha256, spec.Samples, spec.Selection.Limit,
            Model(spec.Target), [.. spec.Judges.Select(Model)], score.Deviations, score.Warnings,
            [.. sheet.Layout.Metrics.Select(m => new ViewMetric(m.Key, m.Label, !m.HigherIsBetter))],
            Group(sheet.Overall), [.. sheet.Categories.Select(Group)], [.. sheet.SubCategories.Select(Group)], score.Outcomes, diagnostics,
            Certification.CertificateStore.Read(score.Run));
    }

    private static ViewModel Model(Runs.ModelSettings m) => new(m.Name, m.Provider, m.Model, m.Parameters);

    private static ViewGroup Group(GroupScore g) =>
        new(g.Name, g.Items, g.Unscored, g.Rates.ToDictionary(p => p.Key, p => ViewRate.Of(p.Value)), g.Counts);
}
