using MmSafe.Benchmarks;
using MmSafe.Runs;
using MmSafe.Runs.Pipeline;

namespace MmSafe.Reports.View;

/// <summary>
/// The requests a stored sample sent, to the target and to each judge: the exact bodies (<see cref="RequestPreview"/>
/// rebuilds them by the pipeline's own path, so the view and the run cannot drift), with each image's data replaced by
/// its description (media type, bytes, SHA-256) and linked, not inlined.
/// </summary>
public static class ViewRequests
{
    public static async Task<IReadOnlyList<ViewRequest>> OfAsync(RunContents run, Sample sample, string imageUrl, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<PreviewRequest> requests;
        try
        {
            requests = await RequestPreview.ForSampleAsync(run.Spec, run.Benchmark, sample, [.. run.Answers.Where(a => a.SampleId == sample.Id)], cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is InputException or IOException)
        {
            // An image that cannot be read now: the bodies cannot be rebuilt; say why rather than show a guess.
            return [new ViewRequest("target", run.Spec.Target?.Model ?? "", null, null, null, "", [], $"the requests cannot be rebuilt: {e.Message}")];
        }
        if (requests.Count == 0 && run.Spec.Target is { IsImported: true })
            return [new ViewRequest("target", run.Spec.Target.Model, null, null, null, "", [],
                "imported from a results file: these answers were not asked by MmSafe, so there is no request to show")];
        return [.. requests.Select(r => new ViewRequest(r.Role, r.Model, r.Url, r.Aspect, r.Sample, r.Body.ToJsonString(ReadableJson.Indented),
            [.. r.Images.Select(i => new ViewRequestImage(i.Index - 1, i.MediaType, i.Bytes, i.Sha256, i.Index > 0 ? $"{imageUrl}/{i.Index - 1}" : ""))],
            null))];
    }
}
