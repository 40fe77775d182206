using System.Diagnostics;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>
/// A run on a read-only disk can still be scored, reported and exported, and continuing it is a clear error. Root ignores
/// file modes, so the commands run as the unprivileged user 'nobody' through setpriv; where that is impossible the
/// test says so and is skipped. 'nobody' runs a copy of the CLI's build output in the test's own directory, because the
/// clone may live where other users cannot enter (a mktemp -d folder, a 0700 home).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReadOnlyRunTests
{
    [Fact]
    public async Task A_read_only_run_directory_is_read_without_writing_and_refused_for_writing()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv")) Assert.Skip("needs Linux, root and setpriv to run a command as 'nobody'");
        using var dir = new TempDir();
        File.SetUnixFileMode(dir.Path, Readable | UnixFileMode.UserWrite);
        if (Unreachable(dir.Path) is { } closed) Assert.Skip($"'nobody' cannot enter {closed}, above the test's temporary directory (set TMPDIR to a folder others can enter)");
        var cli = CopyCli(dir.Full("cli"));
        if (await AsNobodyAsync(null, "--list-runtimes") is { ExitCode: not 0 } probe) Assert.Skip($"'nobody' cannot run dotnet here: {probe.Error.Trim()}");
        var data = RunFixture.WriteVlsBench(dir, 2);
        var run = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--json", "--cache", "off");
        Assert.Equal(0, run.ExitCode);
        File.SetUnixFileMode(dir.Full("run"), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var file in Directory.GetFiles(dir.Full("run"))) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var score = await AsNobodyAsync(cli, "score", dir.Full("run"), "--json");
        Assert.True(score.ExitCode == 0, score.Error);
        Assert.Equal(run.Scores(), score.Scores());
        var resume = await AsNobodyAsync(cli, "run", "--resume", dir.Full("run"));
        Assert.Equal(2, resume.ExitCode);
        Assert.DoesNotContain("   at ", resume.Error);
        File.SetUnixFileMode(dir.Full("run"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    // The CLI's whole output folder (its native libraries under runtimes/ too), every file readable and every folder enterable by others.
    private static string CopyCli(string to)
    {
        var from = Path.GetDirectoryName(CliProcess.DllPath)!;
        foreach (var folder in Directory.GetDirectories(from, "*", SearchOption.AllDirectories).Prepend(from))
            File.SetUnixFileMode(Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder))).FullName, Readable | UnixFileMode.UserWrite);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, Readable | UnixFileMode.UserWrite);
        }
        return Path.Combine(to, Path.GetFileName(CliProcess.DllPath));
    }

    // The first folder on the way to path that others may not enter, or null.
    private static string? Unreachable(string path)
    {
        for (var d = new DirectoryInfo(path).Parent; d is not null; d = d.Parent)
            if ((d.UnixFileMode & UnixFileMode.OtherExecute) == 0) return d.FullName;
        return null;
    }

    /// <param name="cli">The CLI to run, or null for dotnet itself.</param>
    private static async Task<Support.Cli.Result> AsNobodyAsync(string? cli, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", .. cli is null ? [] : new[] { cli }, .. args])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new Support.Cli.Result(process.ExitCode, await output, await error);
    }
}
