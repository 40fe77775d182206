using System.Diagnostics;
using System.Text.Json.Nodes;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Models;
using MmSafe.Runs;
using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;

namespace MmSafe.Bench;

/// <summary>What a browser's first visit and a sample page cost from <c>mmsafe view</c> (bytes over the wire and server time, not rendering).</summary>
public sealed record ViewResult(int Items, int ImageBytesMean, double FirstListSeconds, double WarmListSeconds, double FirstPageKb, double FirstPageSeconds,
    double SamplePageKb, double SamplePageSeconds);

/// <summary>
/// A full synthetic VLSBench run (as <see cref="ReportRun"/> makes it) served by the real <c>mmsafe view</c> process: the
/// first page is the shell, script, style, run list, run page, first page of samples and its 50 thumbnails; a sample page
/// is the sample's JSON and its full image.
/// </summary>
public static class ViewRun
{
    public static async Task<ViewResult> RunAsync(int items, string dll, string workDir)
    {
        var root = Path.Combine(workDir, "data");
        long imageBytes = ReportRun.WriteDataset(root, items);
        var benchmark = new VlsBenchBenchmark();
        var dataset = benchmark.Load(root);
        var (selection, samples) = SampleSelection.Apply(dataset, null, null, null);
        var mock = ModelSpec.Adhoc("mock") with { Concurrency = 64 };
        var spec = RunSpecs.Create(benchmark, dataset, selection, 1, mock, null, mock, null);
        using (var run = RunDirectory.Start(Path.Combine(workDir, "runs", "full"), spec, samples))
        {
            var factory = new ModelClientFactory();
            await new RunPipeline(run.Store, run.Spec, factory.Create(mock), [factory.Create(mock)]).RunAsync();
        }
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "view", Path.Combine(workDir, "runs"), "--port", port.ToString() }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        try
        {
            var url = $"http://127.0.0.1:{port}/";
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            for (int i = 0; i < 400; i++)
            {
                try { await http.GetStringAsync(url + "app.css"); break; } catch (HttpRequestException) { await Task.Delay(50); }
            }
            async Task<(long Bytes, double Seconds, byte[] Body)> Get(string path)
            {
                var clock = Stopwatch.StartNew();
                var body = await http.GetByteArrayAsync(url + path);
                return (body.Length, clock.Elapsed.TotalSeconds, body);
            }
            var first = await Get("api/runs");
            var warm = await Get("api/runs");
            var id = JsonNode.Parse(first.Body)!["runs"]![0]!["id"]!.GetValue<string>();
            // The first visit, as the page makes it: shell, then script and style, then the list; then the run page.
            var clock = Stopwatch.StartNew();
            long bytes = 0;
            foreach (var path in new[] { "", "app.js", "app.css", "api/runs", $"api/runs/{id}", $"api/runs/{id}/samples?limit=50" }) bytes += (await Get(path)).Bytes;
            var rows = JsonNode.Parse((await Get($"api/runs/{id}/samples?limit=50")).Body)!["rows"]!.AsArray();
            var thumbs = await Task.WhenAll(rows.Select(r => Get($"api/runs/{id}/images/{r!["item_id"]!.GetValue<string>()}/0?size=thumb")));
            bytes += thumbs.Sum(t => t.Bytes);
            double firstPage = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var sample = await Get($"api/runs/{id}/samples/1234");
            var image = await Get($"api/runs/{id}/images/1234/0?size=thumb");
            double samplePage = clock.Elapsed.TotalSeconds;
            return new ViewResult(items, (int)(imageBytes / items), first.Seconds, warm.Seconds, bytes / 1024.0, firstPage, (sample.Bytes + image.Bytes) / 1024.0, samplePage);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
