using System.Runtime.CompilerServices;

namespace MmSafe.Tests.Support;

internal static class TestEnvironment
{
    /// <summary>Runs started by tests (in-process or as child processes) use a throwaway response cache, never the user's.</summary>
    [ModuleInitializer]
    internal static void UseTemporaryCache() =>
        Environment.SetEnvironmentVariable("MMSAFE_CACHE", Path.Combine(Path.GetTempPath(), "mmsafe-tests", $"cache-{Environment.ProcessId}.db"));
}
