namespace MmSafe.Tests.Repository;

/// <summary>The README's promises that move scores: every deliberate difference from the authors' scripts, and the caveat of the published VLSBench numbers.</summary>
public sealed class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(Cli.BadInputDocs.RepositoryRoot, "README.md"));

    private static string DifferencesTable()
    {
        int start = Readme.IndexOf("| Authors' script | MmSafe |", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has no table of deliberate differences");
        int end = Readme.IndexOf("\n\n", start, StringComparison.Ordinal);
        return Readme[start..end];
    }

    [Theory]
    [InlineData("content filter", "*filtered*")]
    [InlineData("Sorry, but error occured", "*failed*")]
    [InlineData("data:image/jpeg", "real media type")]
    [InlineData("holds a \"1\" anywhere", "is unreadable")]
    public void The_differences_table_lists_each_one_that_moves_scores(string authors, string ours)
    {
        var row = DifferencesTable().Split('\n').SingleOrDefault(l => l.Contains(authors, StringComparison.Ordinal));
        Assert.True(row is not null, $"no row of the differences table mentions '{authors}'");
        Assert.Contains(ours, row);
    }

    [Fact]
    public void The_published_VLSBench_numbers_carry_their_k_over_2244_caveat()
    {
        foreach (var r in MmSafe.Benchmarks.BenchmarkRegistry.Get("vlsbench").Published)
        {
            Assert.Contains(FormattableString.Invariant($"{r.Model} {r.Percent:F2}"), Readme);
            Assert.Contains("k/2244", r.Caveat);
        }
        Assert.Contains("exact fractions k/2244, computed on 2,244 items, three more than the\n2,241 released", Readme);
    }

    // eval exits 2 when a cell fails on a configuration error (DropRefusedParametersTests holds the code to it); the README said 0 or 3 only.
    [Fact]
    public void The_eval_section_gives_exit_2_for_a_cell_that_could_not_run()
    {
        int start = Readme.IndexOf("`mmsafe eval eval.yaml` continues", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README's eval section moved");
        var exit = Readme[start..Readme.IndexOf("`mmsafe eval examples/eval.yaml`", start, StringComparison.Ordinal)];
        Assert.Contains("2 when a cell could not run because of a configuration error", exit.ReplaceLineEndings(" "));
    }
}
