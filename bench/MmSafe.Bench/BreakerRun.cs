using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MmSafe.Bench;

/// <summary>The measured figures of one gone-endpoint run: how long the <c>mmsafe</c> process took from start to exit.</summary>
public sealed record BreakerResult(string Scenario, int Items, double Seconds, int ExitCode, bool SaidWhatToDo, int AnswersStored, string LastError);

/// <summary>
/// <c>mmsafe run vlsbench</c> on a full synthetic VLSBench (2,241 items) with the mock judge and a target endpoint that is
/// gone: "refused" (nothing listens on its port) or "silent" (it accepts connections and never answers). The figure is
/// the wall time of the real <c>mmsafe</c> process, started as a user starts it, with the default retry settings.
/// </summary>
public static class BreakerRun
{
    public static async Task<BreakerResult> RunAsync(string scenario, int items, string mmsafeDll, string workDir)
    {
        var data = Path.Combine(workDir, "data");
        Directory.CreateDirectory(Path.Combine(data, "imgs"));
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");
        var records = new List<object>();
        for (int i = 0; i < items; i++)
        {
            File.WriteAllBytes(Path.Combine(data, "imgs", $"{i}.png"), png);
            records.Add(new Dictionary<string, object>
            {
                ["instruction_id"] = i, ["instruction"] = $"Item {i}?", ["image_path"] = $"imgs/{i}.png", ["category"] = $"c{i % 6}",
                ["sub_category"] = $"s{i % 19}", ["source"] = "bench", ["image_description"] = "d", ["safety_reason"] = "none",
            });
        }
        File.WriteAllText(Path.Combine(data, "data.json"), JsonSerializer.Serialize(records));

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        if (scenario == "refused") listener.Stop();
        else _ = Task.Run(async () => // accept and never answer
        {
            try { while (true) held.Add(await listener.AcceptTcpClientAsync(stop.Token)); }
            catch (OperationCanceledException) { }
        });

        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { mmsafeDll, "run", "vlsbench", "--data", data, "--model", "gone-vlm", "--base-url", $"http://127.0.0.1:{port}/v1",
                     "--judge", "mock", "--out", Path.Combine(workDir, "run"), "--cache", "off", "--concurrency", "64" })
            start.ArgumentList.Add(a);
        start.Environment["OPENAI_API_KEY"] = "sk-bench";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        clock.Stop();
        await output;
        stop.Cancel();
        foreach (var c in held) c.Dispose();
        var last = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) ?? "";
        int stored;
        using (var store = MmSafe.Runs.Stores.SqliteRunStore.OpenReadOnly(Path.Combine(workDir, "run"))) stored = store.Answers().Count;
        return new BreakerResult(scenario, items, clock.Elapsed.TotalSeconds, process.ExitCode, last.Contains("--resume", StringComparison.Ordinal), stored, last);
    }
}
