using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>A labelling sheet that cannot be written where asked is one clear line and exit 2, not a crash.</summary>
public sealed class LabelsExportTargetTests
{
    [Theory]
    [InlineData("missing-folder/sheet.csv", "cannot write the labelling sheet there")]
    [InlineData("a-file/sheet.csv", "cannot write the labelling sheet there")]
    [InlineData("a-folder", "is a directory; pass --out with the path of the CSV file")]
    public async Task An_unwritable_sheet_path_is_a_clear_error(string target, string expected)
    {
        using var dir = new TempDir();
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        dir.File("a-file", "not a folder");
        Directory.CreateDirectory(dir.Full("a-folder"));
        var result = await Support.Cli.RunAsync("labels", "export", dir.Full("run"), "--out", dir.Full(target));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }
}
