using MmSafe.Cli;

namespace MmSafe.Tests.Support;

/// <summary>Runs the real <c>mmsafe</c> command line in-process and captures its streams.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await CliApp.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return new Result(code, output.ToString(), error.ToString());
    }
}
