using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using MmSafe.Models;

namespace MmSafe.Bench;

/// <summary>The measured figures of one throughput run.</summary>
public sealed record ThroughputResult(int Requests, int Concurrency, double LatencyMs, int ImageBytes, double WallSeconds, double IdealSeconds,
    double RatioToIdeal, double RequestsPerSecond, double CpuMsPerRequest, double PeakRssMb, int Failures);

/// <summary>
/// Pushes N image requests through the real client stack (adapter, retry, concurrency limit,
/// accounting, logging) at concurrency C against the loopback endpoint, creating each image only
/// when its request starts, as a run reads images only when it sends them.
/// </summary>
public static class ThroughputRun
{
    public static async Task<ThroughputResult> RunAsync(Uri baseUrl, int requests, int concurrency, TimeSpan latency, int imageBytes, int warmup)
    {
        var spec = new ModelSpec("bench", ProviderKind.OpenAI, "bench") { BaseUrl = baseUrl, ApiKeyEnv = "MMSAFE_BENCH_KEY", Concurrency = concurrency };
        var client = new ModelClientFactory(environment: _ => "sk-bench").Create(spec);
        var noise = new byte[imageBytes];
        new Random(7).NextBytes(noise);

        await SendAllAsync(client, warmup, concurrency, noise, 1_000_000); // JIT and connection warm-up, not measured
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        int failures = await SendAllAsync(client, requests, concurrency, noise, 0);
        clock.Stop();
        process.Refresh();
        double cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        double ideal = requests * latency.TotalSeconds / concurrency;
        return new ThroughputResult(requests, concurrency, latency.TotalMilliseconds, imageBytes, clock.Elapsed.TotalSeconds, ideal,
            clock.Elapsed.TotalSeconds / ideal, requests / clock.Elapsed.TotalSeconds, cpuMs / requests, PeakRssMb(), failures);
    }

    private static async Task<int> SendAllAsync(ModelClient client, int count, int concurrency, byte[] noise, int idOffset)
    {
        int failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(idOffset, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (id, token) =>
        {
            var message = new ChatMessage(ChatRole.User, [new TextContent($"Describe image {id}."), new DataContent(Image(id, noise), "image/png")]);
            try
            {
                await client.SampleAsync([message], cancellationToken: token);
            }
            catch (ModelRequestException)
            {
                Interlocked.Increment(ref failures);
            }
        });
        return failures;
    }

    // A PNG header followed by noise, unique per request, about the size of a dataset image.
    private static byte[] Image(int id, byte[] noise)
    {
        var bytes = (byte[])noise.Clone();
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        signature.CopyTo(bytes);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), 640);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), 480);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), id);
        return bytes;
    }

    // VmHWM: the high-water mark of resident memory, which is what "peak RSS" means.
    public static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
    }
}
