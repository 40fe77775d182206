namespace MmSafe.Tests.Repository;

/// <summary>
/// Installing system packages belongs to .ci/run and the README's set-up, never to a test run; and on a fresh machine
/// an install without 'apt-get update' first finds no package. These read the scripts and sources as they are committed.
/// </summary>
public sealed class SetupScriptTests
{
    [Fact]
    public void The_ci_script_updates_the_package_lists_before_it_installs()
    {
        var lines = File.ReadAllLines(Path.Combine(Cli.BadInputDocs.RepositoryRoot, ".ci", "run"));
        var install = Array.FindIndex(lines, l => l.Contains("apt-get install", StringComparison.Ordinal) && !l.TrimStart().StartsWith('#'));
        Assert.True(install >= 0, ".ci/run no longer installs postgresql");
        var line = lines[install];
        var update = line.IndexOf("apt-get update", StringComparison.Ordinal);
        Assert.True(update >= 0 && update < line.IndexOf("apt-get install", StringComparison.Ordinal), $"apt-get update must run first, in the same step: {line}");
    }

    [Fact]
    public void No_test_installs_system_packages()
    {
        var tests = Path.Combine(Cli.BadInputDocs.RepositoryRoot, "tests", "MmSafe.Tests");
        var installing = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.EndsWith(nameof(SetupScriptTests) + ".cs", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("\"apt-get\"", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(installing);
    }

    [Fact]
    public void The_readme_says_how_to_get_postgresql_for_the_tests_and_what_happens_without_it()
    {
        var readme = File.ReadAllText(Path.Combine(Cli.BadInputDocs.RepositoryRoot, "README.md"));
        Assert.Contains("apt-get install postgresql", readme);
        Assert.Contains("without PostgreSQL those tests are skipped", readme);
        Assert.Contains("MMSAFE_REQUIRE_POSTGRES=1", readme);
    }
}
