using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Diagnostics;
using System.Text.Json;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Models;
using MmSafe.Reports;
using MmSafe.Reports.Html;
using MmSafe.Runs;
using SkiaSharp;

namespace MmSafe.Bench;

/// <summary>The measured figures of one report build.</summary>
public sealed record ReportResult(int Items, int ImageBytesMean, double ReportMb, double Seconds, double PeakRssMb);

/// <summary>
/// The HTML report of a full synthetic VLSBench run: 2,241 items, each with its own decodable PNG of about 300 KB
/// (640×480: random coloured 12-px blocks that a thumbnail still has to show, with fine noise the PNG must keep), answered and judged by the offline mock
/// model through the real pipeline, then rendered as <c>mmsafe report</c> renders it.
/// </summary>
public static class ReportRun
{
    public static async Task<ReportResult> RunAsync(int items, string workDir)
    {
        var root = Path.Combine(workDir, "data");
        long imageBytes = WriteDataset(root, items);
        var benchmark = new VlsBenchBenchmark();
        var dataset = benchmark.Load(root);
        var (selection, samples) = SampleSelection.Apply(dataset, null, null, null);
        var mock = ModelSpec.Adhoc("mock") with { Concurrency = 64 };
        var spec = RunSpecs.Create(benchmark, dataset, selection, 1, mock, null, mock, null);
        using (var run = RunDirectory.Start(Path.Combine(workDir, "run"), spec, samples))
        {
            var factory = new ModelClientFactory();
            await new RunPipeline(run.Store, run.Spec, factory.Create(mock), [factory.Create(mock)]).RunAsync();
        }
        // Peak RSS of the report alone: reset the high-water mark left by writing the dataset and running the pipeline.
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        var clock = Stopwatch.StartNew();
        var path = Path.Combine(workDir, "report.html");
        using (var writer = new StreamWriter(path)) HtmlReport.Write([RunReportData.Load(Path.Combine(workDir, "run"))], writer);
        clock.Stop();
        return new ReportResult(items, (int)(imageBytes / items), new FileInfo(path).Length / 1024.0 / 1024.0, clock.Elapsed.TotalSeconds, ThroughputRun.PeakRssMb());
    }

    private static long WriteDataset(string root, int items)
    {
        Directory.CreateDirectory(Path.Combine(root, "imgs"));
        var random = new Random(7);
        long total = 0;
        var records = new List<object>();
        const int width = 640, height = 480, block = 12;
        using var bitmap = new SKBitmap(width, height);
        var pixels = new SKColor[width * height];
        var blocks = new SKColor[(width / block + 1) * (height / block + 1)];
        for (int i = 0; i < items; i++)
        {
            // Coloured blocks a thumbnail still shows (detail, like a photograph's), with fine noise the PNG must keep.
            for (int b = 0; b < blocks.Length; b++) blocks[b] = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    var c = blocks[y / block * (width / block + 1) + x / block];
                    int n = random.Next(-5, 6);
                    pixels[y * width + x] = new SKColor((byte)Math.Clamp(c.Red + n, 0, 255), (byte)Math.Clamp(c.Green + n, 0, 255), (byte)Math.Clamp(c.Blue + n, 0, 255));
                }
            bitmap.Pixels = pixels;
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(root, "imgs", $"{i}.png"), png.ToArray());
            total += png.Size;
            records.Add(new Dictionary<string, object>
            {
                ["instruction_id"] = i, ["instruction"] = $"What should I do with this, item {i}?", ["image_path"] = $"imgs/{i}.png",
                ["category"] = $"category {i % 6}", ["sub_category"] = $"sub-category {i % 19}", ["source"] = "bench",
                ["image_description"] = "a gradient", ["safety_reason"] = "none",
            });
        }
        File.WriteAllText(Path.Combine(root, "data.json"), JsonSerializer.Serialize(records));
        return total;
    }
}
