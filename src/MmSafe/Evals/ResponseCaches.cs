using MmSafe.Models.Middleware;

namespace MmSafe.Evals;

/// <summary>Which response cache a session uses: the one named (a file, or "off"), else the one its run recorded, else the default.</summary>
public static class ResponseCaches
{
    public const string Off = "off";

    /// <summary>The cache as a run records it: a file's full path, or "off".</summary>
    public static string Choice(string? named, string? recorded) =>
        named is { } flag ? (flag is "off" or "none" ? Off : Path.GetFullPath(flag)) : recorded ?? Path.GetFullPath(ResponseCache.DefaultPath);

    /// <summary>The cache <paramref name="choice"/> names; null when it is "off".</summary>
    public static ResponseCache? Open(string choice) => choice == Off ? null : new ResponseCache(choice);
}
