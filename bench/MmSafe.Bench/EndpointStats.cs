using System.Diagnostics;
using System.Globalization;

namespace MmSafe.Bench;

/// <summary>What a loopback endpoint saw: requests received, the first arrival and the last reply, in Stopwatch timestamps.</summary>
public sealed class EndpointStats
{
    private readonly Lock _gate = new();
    private long _requests, _first, _lastReply;

    public void Received()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_requests++ == 0) _first = now;
        }
    }

    public void Replied()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_gate) _lastReply = Math.Max(_lastReply, now);
    }

    /// <summary>"stats REQUESTS FIRST LASTREPLY", and starts counting afresh.</summary>
    public string TakeLine()
    {
        lock (_gate)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"stats {_requests} {_first} {_lastReply}");
            (_requests, _first, _lastReply) = (0, 0, 0);
            return line;
        }
    }

    /// <summary>Reads a line written by <see cref="TakeLine"/>.</summary>
    public static (long Requests, long First, long LastReply) Parse(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 4 || parts[0] != "stats") throw new InvalidOperationException($"not a stats line: {line}");
        return (long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture));
    }
}
