using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>
/// docs/BAD-INPUTS.md from the catalogue and what the commands really print. The tests compare the file with it;
/// <c>.ci/write-bad-inputs</c> (the test program run as <c>MmSafe.Tests write-bad-inputs</c>) writes it.
/// </summary>
public static partial class BadInputDocs
{
    public const string Header = """
        # Bad inputs: what each one prints

        Every row is a test (`tests/MmSafe.Tests/Cli/BadInputCatalog.cs`): the command ends with the exit code shown and
        prints the message shown (first line; paths shortened to DIR, process ids, hosts and times to PID, HOST and TIME),
        with no stack trace. Exit 2 is a mistake to fix, exit 3 an endpoint that kept failing. The tests fail when this
        file differs from what the commands print; regenerate it with `.ci/write-bad-inputs`.

        | Bad input | Exit | Message |
        |---|---:|---|

        """;

    public static string DocsPath => Path.Combine(RepositoryRoot, "docs", "BAD-INPUTS.md");

    /// <summary>The clone the tests were built from (the folder holding MmSafe.slnx).</summary>
    public static string RepositoryRoot => Root();

    /// <summary>The catalogue's case run through the real command line: its exit code and stderr, with paths and the port made stable.</summary>
    public static async Task<(int Exit, string Error)> RunAsync(BadInput c)
    {
        using var dir = new TempDir();
        await using var server = await FakeModelServer.StartAsync();
        server.Responder = Reply;
        try
        {
            var args = c.Args(new BadInputSetup(dir, server));
            var result = await Support.Cli.RunAsync(args);
            return (result.ExitCode, result.Error.Replace(dir.Path, "DIR").Replace(server.BaseUrl.ToString().TrimEnd('/'), "http://127.0.0.1:PORT/v1"));
        }
        finally
        {
            foreach (var held in BadInputCatalog.Held) held.Dispose();
            BadInputCatalog.Held.Clear();
        }
    }

    /// <summary>The case's row: its name, exit code and first error line, with what differs from machine to machine made stable.</summary>
    public static string Row(BadInput c, int exit, string error)
    {
        var line = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) ?? error;
        line = LockHolder().Replace(line.Trim(), "process PID on HOST (since TIME)").Replace(" (the variable is not set)", "", StringComparison.Ordinal);
        return $"| {Cell(c.Name)} | {exit} | {Cell(line)} |\n";
    }

    /// <summary>The whole file, every case run once.</summary>
    public static async Task<string> RenderAsync()
    {
        var md = new StringBuilder(Header);
        foreach (var c in BadInputCatalog.All)
        {
            var (exit, error) = await RunAsync(c);
            md.Append(Row(c, exit, error));
        }
        return md.ToString();
    }

    public static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");

    private static FakeReply Reply(JsonNode? body) => body?["model"]?.GetValue<string>() switch
    {
        "needs-key" => FakeReply.Status(401, """{"error":{"message":"Incorrect API key provided"}}"""),
        "no-such-model" => FakeReply.Status(404, """{"error":{"message":"model not found"}}"""),
        "broken" => FakeReply.Status(400, """{"error":{"message":"broken"}}"""),
        "gpt-5-reasoning" => ReasoningServers.OpenAIReasoning()(body),
        _ => RunFixture.Answer(body),
    };

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MmSafe.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("no MmSafe.slnx above the test folder");
    }

    [GeneratedRegex(@"process \d+ on \S+ \(since [^)]*\)")]
    private static partial Regex LockHolder();
}
