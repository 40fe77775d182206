namespace MmSafe.Tests.Cli;

/// <summary>
/// Every catalogued bad input ends with its exit code and a message that says what to fix, never a stack trace, and
/// docs/BAD-INPUTS.md shows exactly what it prints (compared, never written here: <c>.ci/write-bad-inputs</c> writes it).
/// </summary>
public sealed class BadInputCatalogTests
{
    public static TheoryData<string> Names => [.. BadInputCatalog.All.Select(c => c.Name)];

    private const string Regenerate = "docs/BAD-INPUTS.md is out of step with the catalogue; run .ci/write-bad-inputs and review the diff";

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Ends_with_its_exit_code_and_a_clear_message_as_the_docs_show(string name)
    {
        var c = BadInputCatalog.All.Single(c => c.Name == name);
        var (exit, error) = await BadInputDocs.RunAsync(c);
        Assert.True(exit == c.Exit, $"exit {exit}, expected {c.Exit}: {error}");
        Assert.Contains(c.Expected, error);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception", error);
        Assert.DoesNotContain("System.", error);
        Assert.DoesNotContain("MmSafe.", error);
        var row = BadInputDocs.Row(c, exit, error);
        Assert.True(File.ReadAllText(BadInputDocs.DocsPath).Contains(row, StringComparison.Ordinal), $"{Regenerate}: its row should be\n{row}");
    }

    [Fact]
    public void The_docs_list_every_case_once_in_the_catalogue_order_and_nothing_else()
    {
        var docs = File.ReadAllText(BadInputDocs.DocsPath);
        Assert.True(BadInputCatalog.All.Count >= 40);
        Assert.True(docs.StartsWith(BadInputDocs.Header, StringComparison.Ordinal), Regenerate);
        var names = docs[BadInputDocs.Header.Length..].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(" | ")[0].TrimStart('|', ' ')).ToList();
        Assert.Equal(BadInputCatalog.All.Select(c => BadInputDocs.Cell(c.Name)), names);
    }
}
