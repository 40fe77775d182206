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

    private static IResult BadRequest(string what) => Results.Text(JsonSerializer.Serialize(new { error = what }, Json), "application/json; charset=utf-8", statusCode: 400);

    /// <summary>A whole number from the query string, or a 400 naming the parameter.</summary>
    private static bool TryCount(string? text, string name, int fallback, out int value, out IResult? problem)
    {
        problem = null;
        value = fallback;
        if (string.IsNullOrEmpty(text)) return true;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value)) return true;
        problem = BadRequest($"{name}={text}: expected a whole number of 0 or more");
        return false;
    }

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
            string? offset, string? limit, CancellationToken ct) =>
        {
            if (!TryCount(offset, "offset", 0, out var from, out var bad) || !TryCount(limit, "limit", 50, out var count, out bad)) return bad!;
            if (disagree is not (null or "" or "0" or "1" or "true" or "false")) return BadRequest($"disagree={disagree}: expected 1 or 0 (true or false)");
            return await WithRun(catalog, id, ct, (run, data) => Task.FromResult(Ok(new SampleQuery(q, Empty(category), Empty(verdict), Empty(outcome),
                disagree is "1" or "true", from, count).Apply(data))));
        });
        app.MapMethods("/api/runs/{id}/samples/{sampleId}", Verbs, async (string id, string sampleId, CancellationToken ct) =>
            await WithRun(catalog, id, ct, async (run, data) =>
                await ViewSamples.DetailAsync(run, data, sampleId, ct) is { } detail ? Ok(detail) : NotFound($"no sample '{sampleId}' in this run")));
        app.MapMethods("/api/runs/{id}/images/{sampleId}/{n:int}", Verbs, async (string id, string sampleId, int n, string? size, CancellationToken ct) =>
            size is not (null or "" or "thumb" or "full") ? BadRequest($"size={size}: expected thumb or full") : await WithRun(catalog, id, ct, async (run, data) =>
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
            var ids = (runs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (ids.Length == 0) return BadRequest("name runs to compare: /api/compare?runs=ID,ID");
            if (ids.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1) is { } twice) return BadRequest($"run '{twice.Key}' is named twice; name each run once");
            var shown = new List<(string Location, string Shown)>();
            foreach (var id in ids)
            {
                if (catalog.Find(id) is not { } found) return NotFound($"no run '{id}'");
                var (data, error) = await catalog.DataAsync(id, ct);
                if (data is null) return BadRequest($"run '{id}' cannot be read: {error}");
                list.Add(data);
                shown.Add((data.Directory, found.Shown));
            }
            try
            {
                var text = ComparisonText.Json(Comparison.Of(list));
                // The comparison names runs by their location; the viewer shows them as its run list does (relative to its root).
                foreach (var (location, name) in shown.OrderByDescending(x => x.Location.Length))
                    text = text.Replace(JsonSerializer.Serialize(location)[1..^1], JsonSerializer.Serialize(name)[1..^1], StringComparison.Ordinal);
                return Results.Text(text, "application/json; charset=utf-8");
            }
            catch (InputException e)
            {
                return Results.Text(JsonSerializer.Serialize(new { error = e.Message }, Json), "application/json; charset=utf-8", statusCode: 400);
            }
        });
        app.MapMethods("/api/changes", Verbs, async (string? since, CancellationToken ct) =>
        {
            long? from = null;
            if (!string.IsNullOrEmpty(since))
            {
                if (!long.TryParse(since, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
                    return BadRequest($"since={since}: expected the version of an earlier answer");
                from = v;
            }
            var until = DateTime.UtcNow + LongPoll;
            while (true)
            {
                catalog.Refresh();
                var (version, changed, listChanged) = catalog.ChangesSince(from ?? 0);
                if (from is null || version > from || DateTime.UtcNow >= until)
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

    /// <summary>Any other path under /api: a JSON 404 naming it, like every other answer of the API.</summary>
    public static void MapFallback(WebApplication app) =>
        app.MapMethods("/api/{**rest}", Verbs, (string rest) => NotFound($"no such API path /api/{rest}; see docs/VIEW-API.md"));

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task<IResult> WithRun(ViewCatalog catalog, string id, CancellationToken ct, Func<ViewRun, RunReportData, Task<IResult>> answer)
    {
        var run = catalog.Find(id);
        if (run is null) return NotFound($"no run '{id}' under this viewer's root");
        var (data, error) = await catalog.DataAsync(id, ct);
        return data is null ? NotFound(error ?? "the run cannot be read yet") : await answer(run, data);
    }
}
