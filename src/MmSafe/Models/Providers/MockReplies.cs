using System.Collections.Immutable;

namespace MmSafe.Models.Providers;

/// <summary>
/// How the offline mock model answers a benchmark's prompts: each benchmark registers its own replier (see
/// <c>IBenchmark.MockReply</c>), so the mock knows no benchmark by name. Registered by name, once: registering a name
/// again replaces nothing.
/// </summary>
public static class MockReplies
{
    private static ImmutableDictionary<string, Func<string, uint, string?>> _repliers = ImmutableDictionary<string, Func<string, uint, string?>>.Empty;

    /// <summary>Adds <paramref name="replier"/> under <paramref name="name"/> unless one is already there; safe from any thread.</summary>
    public static void Register(string name, Func<string, uint, string?> replier) =>
        ImmutableInterlocked.TryAdd(ref _repliers, name, replier);

    /// <summary>The first registered reply to <paramref name="prompt"/> (by name, so the order is stable), or null.</summary>
    public static string? Reply(string prompt, uint hash) =>
        _repliers.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value(prompt, hash)).FirstOrDefault(reply => reply is not null);
}
