using System.Diagnostics;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>
/// A run on a read-only disk can still be scored, reported and exported, and continuing it is a clear error. Root ignores
/// file modes, so the commands run as the unprivileged user 'nobody' through setpriv; where that is impossible the
/// test says so and is skipped.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReadOnlyRunTests
{
    [Fact]
    public async Task A_read_only_run_directory_is_read_without_writing_and_refused_for_writing()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv")) Assert.Skip("needs Linux, root and setpriv to run a command as 'nobody'");
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.Equal(0, run.ExitCode);
        File.SetUnixFileMode(dir.Full("run"), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var file in Directory.GetFiles(dir.Full("run"))) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var score = await AsNobodyAsync("score", dir.Full("run"), "--json");
        Assert.True(score.ExitCode == 0, score.Error);
        Assert.Equal(run.Scores(), score.Scores());
        var resume = await AsNobodyAsync("run", "--resume", dir.Full("run"));
        Assert.Equal(2, resume.ExitCode);
        Assert.DoesNotContain("   at ", resume.Error);
        File.SetUnixFileMode(dir.Full("run"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static async Task<Support.Cli.Result> AsNobodyAsync(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", CliProcess.DllPath, .. args])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new Support.Cli.Result(process.ExitCode, await output, await error);
    }
}
