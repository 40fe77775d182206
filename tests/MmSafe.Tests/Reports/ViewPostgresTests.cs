using Npgsql;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Reports;

/// <summary><c>mmsafe view postgresql://…/DATABASE/PREFIX</c>: the runs under a name prefix, served without a write.</summary>
public sealed class ViewPostgresTests
{
    private static async Task<string> ContentsAsync(PostgresServer postgres, string database)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString(database[(database.LastIndexOf('/') + 1)..]));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var parts = new List<string>();
        foreach (var table in new[] { "mmsafe_runs", "mmsafe_samples", "mmsafe_answers", "mmsafe_verdicts", "mmsafe_scores", "mmsafe_events", "mmsafe_leases", "mmsafe_meta" })
        {
            await using var command = new NpgsqlCommand($"SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t", connection);
            parts.Add($"{table}:{await command.ExecuteScalarAsync(TestContext.Current.CancellationToken)}");
        }
        return string.Join("\n", parts);
    }

    [Fact]
    public async Task The_runs_under_a_prefix_are_listed_and_served_and_nothing_is_written()
    {
        var postgres = await PostgresServer.GetAsync();
        var database = await postgres.CreateDatabaseAsync();
        foreach (var (name, condition) in new[] { ("team/a", "official"), ("team/b", "text-only"), ("other/c", "official") })
            Assert.Equal(0, (await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--condition", condition,
                "--out", $"{database}/{name}", "--cache", "off", "--json")).ExitCode);
        var before = await ContentsAsync(postgres, database);
        await using (var view = await ViewHost.StartAsync($"{database}/team/"))
        {
            var runs = (await view.JsonAsync("api/runs"))["runs"]!.AsArray();
            Assert.Equal([$"{database}/team/a", $"{database}/team/b"], runs.Select(r => r!["path"]!.GetValue<string>()).Order());
            foreach (var id in runs.Select(r => r!["id"]!.GetValue<string>()))
            {
                await view.JsonAsync($"api/runs/{id}");
                await view.JsonAsync($"api/runs/{id}/samples");
                Assert.Equal("0", (await view.JsonAsync($"api/runs/{id}/samples/0"))["item_id"]!.GetValue<string>());
            }
            await view.JsonAsync($"api/compare?runs={string.Join(",", runs.Select(r => r!["id"]!.GetValue<string>()))}");
        }
        Assert.Equal(before, await ContentsAsync(postgres, database));
    }
}
