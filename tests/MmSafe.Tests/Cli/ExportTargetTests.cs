using System.Diagnostics;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>
/// <c>mmsafe export</c> into a place that cannot be written is one clear line and exit 2, in every format. Tests run as
/// root, which file modes do not stop, so the unwritable target is a path through a regular file (which nobody can
/// create), and the read-only run directory is written to as the user 'nobody' (as in ReadOnlyRunTests).
/// </summary>
public sealed class ExportTargetTests
{
    private static async Task<string> RunAsync(TempDir dir)
    {
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        return dir.Full("run");
    }

    [Fact]
    public async Task An_unwritable_to_is_one_clear_line_in_every_format()
    {
        using var dir = new TempDir();
        var run = await RunAsync(dir);
        var target = Path.Combine(dir.File("a-file", "not a directory"), "export");
        foreach (var format in new[] { "official", "jsonl", "markdown", "csv", "json" })
        {
            var result = await Support.Cli.RunAsync("export", run, "--format", format, "--to", target);
            Assert.True(result.ExitCode == 2, $"{format}: exit {result.ExitCode}: {result.Error}");
            var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"error: {target}: cannot write the export there (", line);
            Assert.DoesNotContain("Exception", line);
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Exporting_into_a_read_only_run_directory_is_one_clear_line()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv")) Assert.Skip("needs Linux, root and setpriv to run a command as 'nobody'");
        using var dir = new TempDir();
        var run = await RunAsync(dir);
        var readOnly = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(dir.Path, readOnly);
        File.SetUnixFileMode(run, readOnly);
        try
        {
            var result = await AsNobodyAsync("export", run, "--format", "markdown");
            Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}");
            Assert.StartsWith($"error: {Path.Combine(run, "export")}: cannot write the export there (", result.Error);
            Assert.DoesNotContain("   at ", result.Error);
        }
        finally
        {
            File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static async Task<Support.Cli.Result> AsNobodyAsync(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", CliProcess.DllPath, .. args])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new Support.Cli.Result(process.ExitCode, await output, await error);
    }
}
