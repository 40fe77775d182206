using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary><c>--unset</c> given twice combines its lists, as one comma-separated list would (it failed with "expects a single argument").</summary>
public sealed class UnsetRepeatedTests
{
    [Fact]
    public async Task Unset_may_be_repeated_and_the_lists_combine()
    {
        using var dir = new TempDir();
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock",
            "--unset", "temperature", "--unset", "top_p", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var deviations = JsonNode.Parse(run.Output)!["deviations"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Contains("target temperature not sent (protocol: 0)", deviations);
        Assert.Contains("target top_p not sent (protocol: 1)", deviations);
    }
}
