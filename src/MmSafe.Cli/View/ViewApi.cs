using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MmSafe.Reports;
using MmSafe.Reports.View;

namespace MmSafe.Cli.View;

/// <summary>The JSON API (docs/VIEW-API.md): runs, a run, its samples, one sample, images, a comparison, and changes.</summary>
internal static class ViewApi
{
    public static readonly string[] Verbs = ["GET", "HEAD"];

    /// <summary>The longest a client's change request waits for a change.</summary>
    public static TimeSpan LongPoll { get; set; } = TimeSpan.FromSeconds(25);

    // The default encoder escapes < > & ' as \uXXXX: model text cannot read as markup even if a browser sniffed.
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static IResult Ok(object value) => Results.Text(JsonSerializer.Serialize(value, value.GetType(), Json), "application/json; charset=utf-8");

    private static IResult NotFound(string what) => Results.Text(JsonSerializer.Serialize(new { error = what }, Json), "application/json; charset=utf-8", statusCode: 404);

    public static void Map(WebApplication app, ViewCatalog catalog, ViewImages images)
    {
        app.MapMethods("/api/runs", Verbs, async (CancellationToken ct) =>
        {
            var version = catalog.Refresh();
            var rows = new List<ViewRunSummary>();
            foreach (var run in catalog.Runs)
            {
                var (data, error) = await catalog.DataAsync(run.Id, ct);
                rows.Add(ViewProjection.Summary(run, data, error));
            }
            return Ok(new { version, runs = rows });
        });
        app.MapMethods("/api/runs/{id}", Verbs, async (string id, CancellationToken ct) =>
            await WithRun(catalog, id, ct, (run, data) => Task.FromResult(Ok(ViewProjection.Page(run, data)))));
        app.MapMethods("/api/runs/{id}/samples", Verbs, async (string id, string? q, string? category, string? verdict, string? outcome, string? disagree,
            int? offset, int? limit, CancellationToken ct) =>
            await WithRun(catalog, id, ct, (run, data) => Task.FromResult(Ok(new SampleQuery(q, Empty(category), Empty(verdict), Empty(outcome),
                disagree is "1" or "true", offset ?? 0, limit ?? 50).Apply(data)))));
        app.MapMethods("/api/runs/{id}/samples/{sampleId}", Verbs, async (string id, string sampleId, CancellationToken ct) =>
            await WithRun(catalog, id, ct, async (run, data) =>
                await ViewSamples.DetailAsync(run, data, sampleId, ct) is { } detail ? Ok(detail) : NotFound($"no sample '{sampleId}' in this run")));
        app.MapMethods("/api/runs/{id}/images/{sampleId}/{n:int}", Verbs, async (string id, string sampleId, int n, string? size, CancellationToken ct) =>
            await WithRun(catalog, id, ct, async (run, data) =>
            {
                var sample = data.Score.Run.Samples.FirstOrDefault(s => s.Id == sampleId);
                if (sample is null || n < 0 || n >= sample.Images.Count) return NotFound("no such image");
                var image = sample.Images[n];
                if (size == "full")
                {
                    var (bytes, type, problem) = await ViewImages.FullAsync(image, ct);
                    return bytes is null ? NotFound(problem!) : Results.Bytes(bytes, type);
                }
                var (webp, why) = await images.ThumbAsync(image, ct);
                return webp is null ? NotFound(why!) : Results.Bytes(webp, "image/webp");
            }));
        app.MapMethods("/api/compare", Verbs, async (string? runs, CancellationToken ct) =>
        {
            var list = new List<RunReportData>();
            foreach (var id in (runs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct())
            {
                if (catalog.Find(id) is null) return NotFound($"no run '{id}'");
                if ((await catalog.DataAsync(id, ct)).Data is { } data) list.Add(data);
            }
            if (list.Count == 0) return NotFound("name runs to compare: /api/compare?runs=ID,ID");
            try
            {
                var text = ComparisonText.Json(Comparison.Of(list));
                return Results.Text(text, "application/json; charset=utf-8");
            }
            catch (InputException e)
            {
                return Results.Text(JsonSerializer.Serialize(new { error = e.Message }, Json), "application/json; charset=utf-8", statusCode: 400);
            }
        });
        app.MapMethods("/api/changes", Verbs, async (long? since, CancellationToken ct) =>
        {
            var until = DateTime.UtcNow + LongPoll;
            while (true)
            {
                catalog.Refresh();
                var (version, changed, listChanged) = catalog.ChangesSince(since ?? 0);
                if (since is null || version > since || DateTime.UtcNow >= until)
                    return Ok(new { version, changed, list_changed = listChanged });
                try
                {
                    await Task.Delay(250, ct);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }
            }
        });
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task<IResult> WithRun(ViewCatalog catalog, string id, CancellationToken ct, Func<ViewRun, RunReportData, Task<IResult>> answer)
    {
        var run = catalog.Find(id);
        if (run is null) return NotFound($"no run '{id}' under this viewer's root");
        var (data, error) = await catalog.DataAsync(id, ct);
        return data is null ? NotFound(error ?? "the run cannot be read yet") : await answer(run, data);
    }
}
