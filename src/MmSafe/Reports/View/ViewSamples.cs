namespace MmSafe.Reports.View;

/// <summary>One sample whole, from the run's stored data: its inputs, the requests it sent, every answer, every judge reply and its scores.</summary>
public static class ViewSamples
{
    /// <returns>Null when the run has no such sample.</returns>
    public static async Task<ViewSampleDetail?> DetailAsync(ViewRun view, RunReportData data, string itemId, CancellationToken cancellationToken = default)
    {
        var run = data.Score.Run;
        var sample = run.Samples.FirstOrDefault(s => s.Id == itemId);
        if (sample is null) return null;
        var imageUrl = $"/api/runs/{view.Id}/images/{Uri.EscapeDataString(sample.Id)}";
        var requests = await ViewRequests.OfAsync(run, sample, imageUrl, cancellationToken).ConfigureAwait(false);
        var readings = run.Scores.SelectMany(p => p.Value.Where(s => s.Id == itemId).Select(s => (Judge: p.Key, Score: s))).ToList();
        string? Reading(string judge, int k, string aspect) =>
            readings.FirstOrDefault(r => r.Judge == judge).Score?.Answers.FirstOrDefault(a => a.Sample == k)?.Aspects.GetValueOrDefault(aspect);
        return new ViewSampleDetail(view.Id, sample.Id, sample.Category, sample.SubCategory, run.Benchmark.Question(sample), sample.Fields,
            [.. sample.Images.Select((image, n) => new ViewImage(n, image.RelativePath, $"{imageUrl}/{n}?size=thumb", $"{imageUrl}/{n}?size=full"))],
            requests,
            [.. run.Answers.Where(a => a.SampleId == itemId).OrderBy(a => a.Sample).Select(a => new ViewAnswer(a.Sample, a.Outcome, a.Text, a.Refusal, a.Error,
                a.Reasoning, a.FinishReason, a.InputTokens, a.OutputTokens, a.LatencyMs, a.Cached, a.At))],
            [.. run.Verdicts.Where(v => v.SampleId == itemId).OrderBy(v => v.Judge, StringComparer.Ordinal).ThenBy(v => v.Sample)
                .Select(v => new ViewVerdict(v.Judge, v.Sample, v.Aspect, v.Raw, v.Error, Reading(v.Judge, v.Sample, v.Aspect), v.At))],
            [.. readings.Select(r => new ViewItemScore(r.Judge, r.Score.Scored, r.Score.Values, r.Score.Counts, r.Score.Diagnostics))]);
    }
}
