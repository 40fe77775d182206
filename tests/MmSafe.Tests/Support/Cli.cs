using MmSafe.Cli;

namespace MmSafe.Tests.Support;

/// <summary>Runs the real <c>mmsafe</c> command line in-process and captures its streams.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>The score JSON without what names the run (its directory) or mentions it (warnings): what two runs that agree share.</summary>
        public string Scores()
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(Output)!.AsObject();
            node.Remove("run");
            node.Remove("warnings");
            return node.ToJsonString();
        }
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // As the process's own Console.Out and Console.Error are: progress, notices and results may be written from several threads.
        var syncOut = TextWriter.Synchronized(output);
        var syncError = TextWriter.Synchronized(error);
        int code = await CliApp.RunAsync(args, syncOut, syncError, TestContext.Current.CancellationToken);
        // The synchronized writers lock themselves while writing: read each under its lock.
        string Read(TextWriter sync, StringWriter inner)
        {
            lock (sync) return inner.ToString();
        }
        return new Result(code, Read(syncOut, output), Read(syncError, error));
    }
}

/// <summary>Runs the built <c>mmsafe</c> program as a separate process, as a user would.</summary>
public static class CliProcess
{
    /// <summary>
    /// The CLI's own build output (…/src/MmSafe.Cli/bin/CONFIG/TFM/mmsafe.dll), not the copy in the
    /// test folder: the tests reference the ASP.NET shared framework, so their folder lacks assemblies
    /// the CLI loads from there.
    /// </summary>
    public static string DllPath { get; } = Path.Combine(
        AppContext.BaseDirectory.Replace(Path.Combine("tests", "MmSafe.Tests"), Path.Combine("src", "MmSafe.Cli"), StringComparison.Ordinal), "mmsafe.dll");

    /// <summary>Starts the program without waiting, its stderr lines collected into <paramref name="errors"/> (to be killed by the test).</summary>
    public static System.Diagnostics.Process Start(IEnumerable<string> args, System.Collections.Concurrent.ConcurrentQueue<string> errors)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = System.Diagnostics.Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) errors.Enqueue(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static Task<Cli.Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>With these environment variables set for the program alone (COLUMNS, say), not for the tests running beside it.</summary>
    public static async Task<Cli.Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new Cli.Result(process.ExitCode, await output, await error);
    }
}
