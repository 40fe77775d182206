using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary><c>mmsafe agreement DIR</c> in each of its formats, on a run judged by the mock judge with and without the image.</summary>
public sealed class AgreementCommandTests
{
    private static async Task<string> PanelRunAsync(TempDir dir)
    {
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var blind = await Support.Cli.RunAsync("judge", dir.Full("run"), "--judge", "mock", "--without-image", "--cache", "off", "--json");
        Assert.True(blind.ExitCode == 0, blind.Error);
        return dir.Full("run");
    }

    [Fact]
    public async Task The_default_table_shows_headers_with_brackets_as_text()
    {
        using var dir = new TempDir();
        var run = await PanelRunAsync(dir);
        var table = await Support.Cli.RunAsync("agreement", run);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("Agree % [95% CI]", table.Output);
        Assert.Contains("Cohen's κ [95% CI]", table.Output);
        Assert.Contains("mock-no-image", table.Output);
    }
}
