using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MmSafe.Bench;

// Usage:
//   dotnet run -c Release --project bench/MmSafe.Bench -- [--requests 4482] [--concurrency 64] [--latency-ms 200] [--image-kb 300] [--out FILE]
//   dotnet run -c Release --project bench/MmSafe.Bench -- pipeline [--items 2241] [--concurrency 64] [--latency-ms 200] [--image-kb 300] [--store postgresql://…/DB] [--out FILE]
//   dotnet run -c Release --project bench/MmSafe.Bench -- report [--items 2241] [--out FILE]
//   dotnet run -c Release --project bench/MmSafe.Bench -- workers --store postgresql://…/DB [--items 640] [--workers 2] [--latency-ms 2000] [--concurrency 64] [--out FILE]
//   dotnet run -c Release --project bench/MmSafe.Bench -- breaker --scenario refused|silent [--items 2241] [--out FILE]   (needs the CLI built in Release)
//   dotnet run -c Release --project bench/MmSafe.Bench -- command [--items 2241] [--concurrency 64] [--latency-ms 200] [--repeats 3] [--trace] [--mmsafe PATH] [--out FILE]   (needs the CLI built in Release, or --mmsafe a published one)
//   dotnet run -c Release --project bench/MmSafe.Bench -- processes --store postgresql://…/DB [--items 320] [--workers 2] [--latency-ms 1000] [--concurrency 16] [--out FILE]   (ditto)
//   dotnet run -c Release --project bench/MmSafe.Bench -- view [--items 2241] [--chromium /usr/bin/chromium] [--samples 9] [--shots DIR] [--out FILE]   (needs the CLI built in Release, or --mmsafe)
//   dotnet run -c Release --project bench/MmSafe.Bench -- view-check --mmsafe PATH [--chromium /usr/bin/chromium] [--artifacts DIR]   (.ci/browser-check: mmsafe view in Chromium, pass/fail)
//   dotnet run -c Release --project bench/MmSafe.Bench -- ppi [--runs 2000] [--items 2241] [--labels 200] [--seed 20] [--out FILE]   (simulation, no endpoint)
//   (the "serve" mode is the loopback endpoint the harness starts as a child process)
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var latency = TimeSpan.FromMilliseconds(Int("latency-ms", 200));

if (args.FirstOrDefault() == "serve") return await LoopbackEndpoint.ServeAsync(latency);
if (args.FirstOrDefault() == "view-check")
{
    if (options.TryGetValue("mmsafe", out var checkedTool)) MmsafeProcess.AppHost = Path.GetFullPath(checkedTool);
    var repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
    var artifacts = Path.GetFullPath(options.GetValueOrDefault("artifacts", Path.Combine(repo, ".ci", "artifacts")));
    var work = Path.Combine(Path.GetTempPath(), $"mmsafe-view-check-{Environment.ProcessId}");
    try
    {
        return await ViewCheck.RunAsync(repo, work, options.GetValueOrDefault("chromium", "/usr/bin/chromium"), artifacts) ? 0 : 1;
    }
    finally
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
    }
}

int concurrency = Int("concurrency", 64), imageBytes = Int("image-kb", 300) * 1024;
if (options.TryGetValue("mmsafe", out var appHost)) MmsafeProcess.AppHost = Path.GetFullPath(appHost);
var servers = new List<EndpointProcess>();
async Task<EndpointProcess> StartServerAsync()
{
    var server = await EndpointProcess.StartAsync(latency);
    servers.Add(server);
    return server;
}
async Task<Uri> StartEndpointAsync() => (await StartServerAsync()).Url;

// A mode's scratch directory (dataset, runs), removed however the mode ends.
static async Task<T> InWorkDirAsync<T>(string mode, Func<string, Task<T>> run)
{
    var work = Path.Combine(Path.GetTempPath(), $"mmsafe-bench-{mode}-{Environment.ProcessId}");
    try
    {
        return await run(work);
    }
    finally
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
    }
}

object result;
string summary;
bool ok;
if (args.FirstOrDefault() == "ppi")
{
    var both = new[] { false, true }.Select(process => PpiRun.Run(Int("runs", 2000), Int("items", 2241), Int("labels", 200), Int("seed", 20), process))
        .Append(PpiStratifiedRun.Run(Int("runs", 2000), Int("items", 2241), Int("labels", 200), Int("seed", 20))).ToList();
    result = both;
    ok = both.All(r => r.Intervals[0].Coverage >= 0.94);
    summary = string.Join("\n", both.Select(r => FormattableString.Invariant($"ppi ({r.Target}): {r.Runs} runs, N={r.Items}, n={r.Labels}, true rate {r.TrueRatePercent:F2}%, judge bias {r.JudgeBiasPoints:+0.00;-0.00} pp: ")
        + string.Join("; ", r.Intervals.Select(i => FormattableString.Invariant($"{i.Interval}: coverage {i.Coverage:P1}, mean width {i.MeanWidthPoints:F2} pp, mean estimate {i.MeanEstimatePercent:F2}%")))));
}
else if (args.FirstOrDefault() == "report")
{
    var r = await InWorkDirAsync("report", work => ReportRun.RunAsync(Int("items", 2241), work));
    result = r;
    ok = r.ReportMb <= 60;
    summary = FormattableString.Invariant($"report of N={r.Items} items (images {r.ImageBytesMean / 1024} KB on average): {r.ReportMb:F1} MB in {r.Seconds:F1} s, peak RSS {r.PeakRssMb:F0} MB");
}
else if (args.FirstOrDefault() == "view")
{
    var ready = new ViewRun.Selectors(options.GetValueOrDefault("ready-runs", "body[data-ready='1'] tr.run-row"),
        options.GetValueOrDefault("ready-run", "body[data-ready='1'] tr.sample-row"), options.GetValueOrDefault("ready-sample", "body[data-ready='1'] .request"),
        options.GetValueOrDefault("ready-compare", "body[data-ready='1'] #leaderboard"));
    var shots = options.TryGetValue("shots", out var sd) ? Path.GetFullPath(sd) : null;
    var r = await InWorkDirAsync("view", work => ViewRun.RunAsync(Int("items", 2241), work, options.GetValueOrDefault("chromium", "/usr/bin/chromium"), ready, shots, Int("samples", 9)));
    result = r;
    var first = r.Pages[0];
    var runPage = r.Pages.First(p => p.Page.StartsWith("VLSBench run page", StringComparison.Ordinal));
    ok = r.Pages.All(p => p.ScrolledTransferKb <= 2048) && first.VisibleMs <= 1000 && runPage.VisibleMs <= 1000 && r.SamplePageMaxMs <= 300;
    summary = string.Join("; ", r.Pages.Select(p => FormattableString.Invariant($"{p.Page}: visible {p.VisibleMs:F0} ms, {p.TransferKb:F0} KB ({p.SettledTransferKb:F0} KB settled, {p.ScrolledTransferKb:F0} KB scrolled to the end, {p.Requests} requests)")))
        + FormattableString.Invariant($"; sample page median {r.SamplePageMedianMs:F0} ms, max {r.SamplePageMaxMs:F0} ms over {r.SamplePageMs.Count}; server up in {r.ServerStartSeconds:F2} s");
}
else if (args.FirstOrDefault() == "breaker")
{
    var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "MmSafe.Cli", "bin", "Release", "net10.0", "mmsafe.dll"));
    var scenario = options.GetValueOrDefault("scenario", "refused");
    var r = await InWorkDirAsync("breaker", work => BreakerRun.RunAsync(scenario, Int("items", 2241), dll, work));
    result = r;
    ok = r.ExitCode == 3 && r.SaidWhatToDo;
    summary = FormattableString.Invariant($"breaker ({r.Scenario}) N={r.Items}: mmsafe exited {r.ExitCode} after {r.Seconds:F1} s, {r.AnswersStored} answers stored; {r.LastError}");
}
else if (args.FirstOrDefault() == "command")
{
    var (target, judge) = (await StartServerAsync(), await StartServerAsync());
    var r = await InWorkDirAsync("command", work => CommandRun.RunAsync(target, judge, Int("items", 2241), concurrency, latency, imageBytes, work, Int("repeats", 3), options.ContainsKey("trace")));
    result = r;
    ok = r.Complete;
    var m = r.Median;
    summary = FormattableString.Invariant(
        $"mmsafe run vlsbench N={r.Items} ({r.Requests} requests) C={r.Concurrency} each, L={r.LatencyMs} ms, median of {r.Runs.Count}: whole {m.WholeSeconds:F2} s = {m.RatioToIdeal:F3}x N·L/C ({r.IdealSeconds:F2} s), start-up {m.StartupSeconds:F3} s, drain {m.DrainSeconds:F3} s, CPU {m.CpuMsPerRequest:F3} ms/request, peak RSS {m.PeakRssMb:F0} MB, complete {r.Complete}");
}
else if (args.FirstOrDefault() == "processes")
{
    var store = options.TryGetValue("store", out var s) ? s : throw new ArgumentException("processes needs --store postgresql://USER@HOST:PORT/DATABASE");
    var (target, judge) = (await StartServerAsync(), await StartServerAsync());
    var r = await InWorkDirAsync("processes", work => ProcessesRun.RunAsync(target, judge, Int("items", 320), concurrency, latency, imageBytes, work, store,
        [.. options.GetValueOrDefault("workers", "1,2,4").Split(',').Select(int.Parse)]));
    result = r;
    ok = r.Complete;
    summary = string.Join("; ", r.Rows.Select(w => FormattableString.Invariant(
        $"{w.Workers} mmsafe processes: {w.Seconds:F2} s ({(w.Speedup is { } up ? $"{up:F2}" : "?")}x of {w.Workers}x), requests {w.RequestsReceived}/{r.RequestsNeeded}, exits {string.Join(",", w.ExitCodes)}")));
}
else if (args.FirstOrDefault() == "pipeline")
{
    var (target, judge) = (await StartEndpointAsync(), await StartEndpointAsync());
    var r = await InWorkDirAsync("pipeline", work => PipelineRun.RunAsync(target, judge, Int("items", 2241), concurrency, latency, imageBytes, work, options.GetValueOrDefault("store")));
    result = r;
    ok = r.Complete;
    summary = FormattableString.Invariant(
        $"pipeline N={r.Items} ({r.Requests} requests) C={r.Concurrency} each, L={r.LatencyMs} ms, image={r.ImageBytes / 1024} KB: wall {r.WallSeconds:F2} s vs one stage N·L/C {r.IdealSeconds:F2} s ({r.RatioToIdeal:F3}x), harness CPU {r.CpuMsPerRequest:F3} ms/request, peak RSS {r.PeakRssMb:F0} MB, scored {r.ScoredItems}, complete {r.Complete}");
}
else if (args.FirstOrDefault() == "workers")
{
    var store = options.TryGetValue("store", out var s) ? s : throw new ArgumentException("workers needs --store postgresql://USER@HOST:PORT/DATABASE");
    var (target, judge) = (await StartEndpointAsync(), await StartEndpointAsync());
    var r = await InWorkDirAsync("workers", work => WorkersRun.RunAsync(target, judge, Int("items", 640), concurrency, latency, imageBytes, work, store, Int("workers", 2)));
    result = r;
    ok = r.Complete;
    summary = FormattableString.Invariant(
        $"workers N={r.Items} C={r.Concurrency} per worker, L={r.LatencyMs} ms: 1 worker {r.OneWorkerSeconds:F2} s, {r.Workers} workers {r.WorkersSeconds:F2} s: {r.Speedup:F2}x of {r.IdealSpeedup}x ideal; requests made {r.RequestsMade} of {r.RequestsNeeded} needed");
}
else
{
    int requests = Int("requests", 4482);
    var r = await ThroughputRun.RunAsync(await StartEndpointAsync(), requests, concurrency, latency, imageBytes, warmup: Math.Min(requests, 2 * concurrency));
    result = r;
    ok = r.Failures == 0;
    summary = FormattableString.Invariant(
        $"N={r.Requests} C={r.Concurrency} L={r.LatencyMs} ms image={r.ImageBytes / 1024} KB: wall {r.WallSeconds:F2} s vs ideal {r.IdealSeconds:F2} s ({r.RatioToIdeal:F3}x), {r.RequestsPerSecond:F1} req/s, harness CPU {r.CpuMsPerRequest:F3} ms/request, peak RSS {r.PeakRssMb:F0} MB, failures {r.Failures}");
}
foreach (var server in servers) await server.StopAsync();
Console.WriteLine(summary);
if (options.TryGetValue("out", out var outFile))
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
    await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(result, result.GetType(), new JsonSerializerOptions { WriteIndented = true }));
}
return ok ? 0 : 1;
