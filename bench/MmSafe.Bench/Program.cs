using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MmSafe.Bench;

// Usage:
//   dotnet run -c Release --project bench/MmSafe.Bench -- [--requests 4482] [--concurrency 64] [--latency-ms 200] [--image-kb 300] [--out FILE]
//   (the "serve" mode is the loopback endpoint the harness starts as a child process)
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var latency = TimeSpan.FromMilliseconds(Int("latency-ms", 200));

if (args.FirstOrDefault() == "serve") return await LoopbackEndpoint.ServeAsync(latency);

int requests = Int("requests", 4482), concurrency = Int("concurrency", 64), imageBytes = Int("image-kb", 300) * 1024;
using var server = Process.Start(new ProcessStartInfo(Environment.ProcessPath!)
{
    ArgumentList = { Path.Combine(AppContext.BaseDirectory, "MmSafe.Bench.dll"), "serve", "--latency-ms", latency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) },
    RedirectStandardInput = true,
    RedirectStandardOutput = true,
    UseShellExecute = false,
})!;
var line = await server.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the loopback endpoint did not start");
var baseUrl = new Uri(line["listening ".Length..] + "/v1/");

var result = await ThroughputRun.RunAsync(baseUrl, requests, concurrency, latency, imageBytes, warmup: Math.Min(requests, 2 * concurrency));
server.StandardInput.Close();
await server.WaitForExitAsync();

Console.WriteLine(FormattableString.Invariant(
    $"N={result.Requests} C={result.Concurrency} L={result.LatencyMs} ms image={result.ImageBytes / 1024} KB: wall {result.WallSeconds:F2} s vs ideal {result.IdealSeconds:F2} s ({result.RatioToIdeal:F3}x), {result.RequestsPerSecond:F1} req/s, harness CPU {result.CpuMsPerRequest:F3} ms/request, peak RSS {result.PeakRssMb:F0} MB, failures {result.Failures}"));
if (options.TryGetValue("out", out var outFile))
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
    await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
}
return result.Failures == 0 ? 0 : 1;
