namespace MmSafe.Models;

/// <summary>
/// What the retry policy is doing, per model, for a progress display: how many attempts failed and were retried, and
/// the last reason (keys already redacted). Thread-safe; read on every refresh.
/// </summary>
public sealed class RetryNotices
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Count, string Last)> _byModel = new(StringComparer.Ordinal);

    public void Record(string model, string detail) =>
        _byModel.AddOrUpdate(model, (1, detail), (_, seen) => (seen.Count + 1, detail));

    /// <summary>"3 retried (attempt 2 failed (HTTP 503) …)", or null when nothing was retried.</summary>
    public string? For(string model) => _byModel.TryGetValue(model, out var seen) ? $"{seen.Count} retried; last: {seen.Last}" : null;
}
