using MmSafe.Runs.Pipeline;
using MmSafe.Runs.Stores;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using MmSafe.Models;
using MmSafe.Models.Middleware;
using MmSafe.Runs;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Runs;

/// <summary>Where reasoning is kept: run stores made before it existed still open, resume and score; cache entries too.</summary>
public sealed class ReasoningStoreTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static object? Scalar(string db, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public async Task A_run_store_of_schema_2_is_read_as_it_is_and_migrated_when_the_run_resumes()
    {
        using var dir = new TempDir();
        var run = dir.Full("run");
        var first = await Support.Cli.RunAsync("run", "vlsbench", "--data", SampleData.VlsBench, "--model", "mock", "--judge", "mock", "--out", run, "--cache", "off");
        Assert.True(first.ExitCode == 0, first.Error);
        var db = Path.Combine(run, SqliteRunStore.FileName);
        var lost = (string)Scalar(db, "SELECT sample_id FROM answers ORDER BY sample_id LIMIT 1")!;
        // The store as an mmsafe of schema 2 left it, with one item still to ask.
        Scalar(db, $"""
            ALTER TABLE answers DROP COLUMN reasoning;
            ALTER TABLE answers DROP COLUMN reasoning_tokens;
            UPDATE meta SET value = '2' WHERE key = 'schema';
            DELETE FROM answers WHERE sample_id = '{lost}';
            DELETE FROM verdicts WHERE sample_id = '{lost}';
            DELETE FROM scores WHERE sample_id = '{lost}';
            PRAGMA wal_checkpoint(TRUNCATE);
            """);

        var score = await Support.Cli.RunAsync("score", run, "--json");
        Assert.True(score.ExitCode == 0, score.Error);
        Assert.Contains("1 answers not asked yet", JsonNode.Parse(score.Output)!["completeness"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("2", Scalar(db, "SELECT value FROM meta WHERE key = 'schema'")); // reading changed nothing

        var resumed = await Support.Cli.RunAsync("run", "--resume", run, "--cache", "off", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.True(JsonNode.Parse(resumed.Output)!["complete"]!.GetValue<bool>());
        Assert.Equal("3", Scalar(db, "SELECT value FROM meta WHERE key = 'schema'"));
        Assert.Equal(2L, Scalar(db, "SELECT COUNT(*) FROM pragma_table_info('answers') WHERE name IN ('reasoning', 'reasoning_tokens')"));
        using var store = RunStores.OpenRead(run);
        Assert.All(store.Read().Answers, a => Assert.Equal((null, null), (a.Reasoning, a.ReasoningTokens)));
    }

    [Fact]
    public async Task The_response_cache_keeps_reasoning_reads_entries_written_before_it_and_keeps_no_answer_the_budget_emptied()
    {
        using var dir = new TempDir();
        var path = dir.Full("cache.db");
        using (new ResponseCache(path)) { }
        // An entry as an mmsafe without reasoning wrote it.
        Scalar(path, """INSERT INTO answers VALUES ('old', '{"Kind":0,"Text":"Old answer.","Refusal":null,"FinishReason":"stop","InputTokens":3,"OutputTokens":4,"Latency":"00:00:01"}', '2025-01-01T00:00:00Z')""");
        using var cache = new ResponseCache(path);

        var old = await cache.GetAsync("old", Token);
        Assert.Equal((CompletionKind.Completed, "Old answer.", null, null), (old!.Kind, old.Text, old.Reasoning, old.ReasoningTokens));

        await cache.PutAsync("new", new Completion(CompletionKind.Completed, "Answer.", null, "stop", 3, 40, TimeSpan.FromSeconds(1), "thought", 37), Token);
        var hit = await cache.GetAsync("new", Token);
        Assert.Equal(("Answer.", "thought", 37L), (hit!.Text, hit.Reasoning, hit.ReasoningTokens));

        await cache.PutAsync("spent", new Completion(CompletionKind.ReasoningOnly, "", null, "length", 3, 128, TimeSpan.FromSeconds(1), null, 128), Token);
        Assert.Null(await cache.GetAsync("spent", Token));
    }
}
