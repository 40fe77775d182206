using System.Diagnostics;
using System.Globalization;

namespace MmSafe.Bench;

/// <summary>A loopback endpoint (<see cref="LoopbackEndpoint"/>) running as a child process of the harness.</summary>
public sealed class EndpointProcess(Process process, Uri url)
{
    public Uri Url { get; } = url;

    public static async Task<EndpointProcess> StartAsync(TimeSpan latency)
    {
        var server = Process.Start(new ProcessStartInfo(Environment.ProcessPath!)
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "MmSafe.Bench.dll"), "serve", "--latency-ms", latency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var line = await server.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the loopback endpoint did not start");
        return new EndpointProcess(server, new Uri(line["listening ".Length..] + "/v1/"));
    }

    /// <summary>What the endpoint saw since the last call (requests, first arrival, last reply), and it starts counting afresh.</summary>
    public async Task<(long Requests, long First, long LastReply)> TakeStatsAsync()
    {
        await process.StandardInput.WriteLineAsync("stats");
        await process.StandardInput.FlushAsync();
        return EndpointStats.Parse(await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the loopback endpoint ended"));
    }

    public async Task StopAsync()
    {
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
