using System.Text;
using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>Every catalogued bad input ends with its exit code and a message that says what to fix, never a stack trace.</summary>
public sealed class BadInputCatalogTests
{
    public static TheoryData<string> Names => [.. BadInputCatalog.All.Select(c => c.Name)];

    private static FakeReply Reply(JsonNode? body) => body?["model"]?.GetValue<string>() switch
    {
        "needs-key" => FakeReply.Status(401, """{"error":{"message":"Incorrect API key provided"}}"""),
        "no-such-model" => FakeReply.Status(404, """{"error":{"message":"model not found"}}"""),
        "broken" => FakeReply.Status(400, """{"error":{"message":"broken"}}"""),
        _ => RunFixture.Answer(body),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Ends_with_its_exit_code_and_a_clear_message(string name)
    {
        var (exit, error) = await RunAsync(BadInputCatalog.All.Single(c => c.Name == name));
        var c = BadInputCatalog.All.Single(c => c.Name == name);
        Assert.True(exit == c.Exit, $"exit {exit}, expected {c.Exit}: {error}");
        Assert.Contains(c.Expected, error);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception", error);
        Assert.DoesNotContain("System.", error);
        Assert.DoesNotContain("MmSafe.", error);
    }

    private static async Task<(int Exit, string Error)> RunAsync(BadInput c)
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

    [Fact]
    public void The_catalogue_in_the_docs_lists_every_case_with_its_exit_code()
    {
        var docs = File.ReadAllText(Path.Combine(Root(), "docs", "BAD-INPUTS.md"));
        Assert.True(BadInputCatalog.All.Count >= 40);
        foreach (var c in BadInputCatalog.All) Assert.Contains($"| {Cell(c.Name)} | {c.Exit} |", docs);
    }

    /// <summary>Writes docs/BAD-INPUTS.md from the catalogue and the messages the commands really print (MMSAFE_WRITE_DOCS=1).</summary>
    [Fact]
    public async Task Writes_the_catalogue_into_the_docs_when_asked()
    {
        if (Environment.GetEnvironmentVariable("MMSAFE_WRITE_DOCS") != "1") return;
        var md = new StringBuilder("""
            # Bad inputs: what each one prints

            Every row is a test (`tests/MmSafe.Tests/Cli/BadInputCatalog.cs`): the command ends with the exit code shown and
            prints the message shown (first line; paths shortened to DIR), with no stack trace. Exit 2 is a mistake to fix,
            exit 3 an endpoint that kept failing. Regenerate with `MMSAFE_WRITE_DOCS=1 dotnet test --filter Writes_the_catalogue`.

            | Bad input | Exit | Message |
            |---|---:|---|

            """);
        foreach (var c in BadInputCatalog.All)
        {
            var (exit, error) = await RunAsync(c);
            var line = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) ?? error;
            md.Append($"| {Cell(c.Name)} | {exit} | {Cell(line.Trim())} |\n");
        }
        File.WriteAllText(Path.Combine(Root(), "docs", "BAD-INPUTS.md"), md.ToString());
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MmSafe.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("no MmSafe.slnx above the test folder");
    }
}
