using System.Text.RegularExpressions;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>What a session says at its end, as a new user found it: per-role request counts, the reason for an
/// incomplete run under --json, and where an export of a database run goes.</summary>
public sealed partial class SessionReportingTests
{
    [Fact]
    public async Task The_same_model_as_target_and_judge_gets_a_row_per_role_with_that_roles_requests()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 5);
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "mock", "--judge", "mock", "--out", dir.Full("run"), "--cache", "off");
        Assert.True(result.ExitCode == 0, result.Error);
        // Before: both rows showed the client's total (10 requests each).
        Assert.Equal("5", Row(result.Output, "target"));
        Assert.Equal("5", Row(result.Output, "judge"));
    }

    [Fact]
    public async Task An_incomplete_run_under_json_says_which_model_failed_where_and_why()
    {
        using var dir = new TempDir();
        var data = RunFixture.WriteVlsBench(dir, 2);
        await using var server = await FakeModelServer.StartAsync();
        server.Default = FakeReply.Status(400, """{"error":{"message":"the scripted refusal of every request"}}""");
        var result = await Support.Cli.RunAsync("run", "vlsbench", "--data", data, "--model", "dead", "--base-url", server.BaseUrl.ToString(),
            "--judge", "mock", "--out", dir.Full("run"), "--cache", "off", "--json");
        Assert.Equal(3, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("error: the scores are incomplete", StringComparison.Ordinal));
        Assert.Contains($"target dead at {server.BaseUrl}", line, StringComparison.Ordinal);
        Assert.Contains("the scripted refusal of every request", line, StringComparison.Ordinal);
        Assert.DoesNotContain("are listed with their reasons", line, StringComparison.Ordinal); // with --json nothing lists them
    }

    [Fact]
    public async Task Exporting_a_database_run_without_to_is_refused_naming_the_flag()
    {
        using var dir = new TempDir();
        var result = await Support.Cli.RunAsync("export", "postgresql://someone@127.0.0.1:9/db/run", "--format", "csv");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pass --to with a local directory", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists("postgresql:"), "a directory named after the URL was made");
    }

    // The "Requests" cell of a role's row in the "Requests this session" table.
    private static string Row(string output, string role) =>
        RowPattern().Matches(output).First(m => m.Groups["role"].Value == role).Groups["requests"].Value;

    [GeneratedRegex(@"│\s*(?<role>target|judge)\s*│[^│]*│\s*(?<requests>\d+)\s*│")]
    private static partial Regex RowPattern();
}
