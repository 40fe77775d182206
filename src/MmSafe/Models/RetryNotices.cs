using System.Text.RegularExpressions;

namespace MmSafe.Models;

/// <summary>
/// What the retry policy is doing, per model, for a progress display: how many attempts failed and were retried, and
/// the last reason (keys already redacted). Thread-safe; read on every refresh.
/// </summary>
/// <param name="onRecord">Also told of each retry as it is recorded (model, detail), for a display without a progress view.</param>
public sealed partial class RetryNotices(Action<string, string>? onRecord = null)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Count, string Last)> _byModel = new(StringComparer.Ordinal);

    public void Record(string model, string detail)
    {
        _byModel.AddOrUpdate(model, (1, detail), (_, seen) => (seen.Count + 1, detail));
        onRecord?.Invoke(model, detail);
    }

    /// <summary>
    /// "3 retried; last: HTTP 503. Server said: overloaded (attempt 2, next in 1.2 s)", or null when nothing was
    /// retried. The reason comes first and the model and endpoint are left out: a progress line already names the
    /// model, and on a narrow terminal whatever comes last is what gets cut.
    /// </summary>
    public string? For(string model) => _byModel.TryGetValue(model, out var seen) ? $"{seen.Count} retried; last: {Shorten(seen.Last)}" : null;

    /// <summary>"attempt 2 failed (M at URL: HTTP 503. …); retrying in 1.2 s" as "HTTP 503. … (attempt 2, next in 1.2 s)".</summary>
    public static string Shorten(string detail)
    {
        var match = RetryDetail().Match(detail);
        if (!match.Success) return Endpoint().Replace(detail, "");
        return $"{Endpoint().Replace(match.Groups["reason"].Value, "")} (attempt {match.Groups["attempt"].Value}, next in {match.Groups["delay"].Value})";
    }

    [GeneratedRegex(@"^attempt (?<attempt>\d+) failed \((?<reason>.*)\); retrying in (?<delay>.+)$", RegexOptions.Singleline)]
    private static partial Regex RetryDetail();

    // "MODEL at http://host:port/v1/: " as the providers' messages begin (HttpErrors).
    [GeneratedRegex(@"\S+ at (https?://|mock:)\S*: ")]
    private static partial Regex Endpoint();
}
